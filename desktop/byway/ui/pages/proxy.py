"""Settings, upstream proxy: for networks where everything must go through a proxy."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from byway.ui.pages.bridges import RunBlocking
from byway.ui.preferences import PROXY_KINDS, Preferences, Proxy, check_proxy
from byway.ui.widgets import button, label, named


class ProxyTab(QWidget):
    def __init__(
        self,
        prefs: Preferences,
        run: RunBlocking,
        run_secret: RunBlocking | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.run = run
        self.run_secret = run_secret or run
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(self.tr("Only if this network lets nothing out except through a proxy."), "muted")
        )
        form = QFormLayout()
        self.kind = named(QComboBox(), self.tr("Proxy type"), self.tr("The kind of proxy, or none"))
        for key, text in zip(PROXY_KINDS, (self.tr("No proxy"), "HTTPS", "SOCKS5", "SOCKS4"), strict=True):
            self.kind.addItem(text, key)
        self.host = named(QLineEdit(), self.tr("Proxy host"), self.tr("The proxy's host name or address"))
        self.port = named(QSpinBox(), self.tr("Proxy port"), self.tr("The proxy's port, 1 to 65535"))
        self.port.setRange(0, 65535)
        self.username = named(QLineEdit(), self.tr("Proxy user name"), self.tr("Optional"))
        self.password = named(QLineEdit(), self.tr("Proxy password"), self.tr("Optional; kept as a secret"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Type:"), self.kind)
        form.addRow(self.tr("Host:"), self.host)
        form.addRow(self.tr("Port:"), self.port)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        layout.addLayout(form)
        self.problem = label("", "bad")
        layout.addWidget(self.problem)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save = button(self.tr("Save &proxy"), self.tr("Use this proxy for every connection"))
        self.save.clicked.connect(self._save)
        row.addWidget(self.save)
        layout.addLayout(row)
        for widget in (self.host, self.username, self.password):
            widget.textChanged.connect(self._check)
        self.port.valueChanged.connect(self._check)
        self.kind.currentIndexChanged.connect(self._check)

    def current(self) -> Proxy:
        return Proxy(
            kind=str(self.kind.currentData()),
            host=self.host.text().strip(),
            port=self.port.value(),
            username=self.username.text(),
            password=self.password.text(),
        )

    def load(self) -> None:
        proxy = self.prefs.proxy()
        self.kind.setCurrentIndex(max(0, self.kind.findData(proxy.kind)))
        self.host.setText(proxy.host)
        self.port.setValue(proxy.port)
        self.username.setText(proxy.username)
        self.password.setText(proxy.password)
        self._check()

    def _check(self) -> bool:
        problem = check_proxy(self.current())
        self.problem.setProperty("role", "bad")
        self.problem.setText(problem)
        enabled = self.kind.currentData() != "none"
        for widget in (self.host, self.port, self.username, self.password):
            widget.setEnabled(enabled)
        self.save.setEnabled(not problem)
        return not problem

    def _save(self) -> None:
        if not self._check():
            return
        proxy = self.current()

        def saved(_: object) -> None:
            self.problem.setText(self.tr("Saved."))

        def failed(error: BaseException) -> None:
            self.problem.setText(str(error))

        save = self.run_secret if proxy.username or proxy.password else self.run
        save(lambda: self.prefs.save_proxy(proxy), saved, failed)
