"""The CLI's subcommands, one module each; they only start core stages and print their values."""
