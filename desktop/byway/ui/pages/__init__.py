"""One module per page of the flow; each page only renders values and emits what the user asked."""
