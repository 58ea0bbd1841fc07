"""The censor: turns a scenario into firewall rules and helper configs in the censor namespace.

Division of labour, chosen for honesty: nft does addresses, ports, sets and verdicts; iptables'
string match (nft cannot match strings) only *marks* packets carrying a keyword or an SNI, and nft
then resets, drops or remembers the 3-tuple with a timeout (stateful blocking). DNS tampering is a
rogue resolver on the censor (``dns_injector``) that traffic to port 53 is DNAT-ed to, and
blockpages and throttling are a transparent user-space relay (``middlebox``), because this kernel
has no netem. Switching scenarios rewrites all of it atomically without touching the world.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from byway.lab import addresses as a
from byway.lab.namespaces import in_ns, run
from byway.lab.scenario import DNS_TECHNIQUES, MIDDLEBOX_TECHNIQUES, Endpoint, Rule, Scenario, Technique

TABLE = "byway-lab"
MARK_RESET = 0x1
MARK_DROP = 0x2
MARK_STATEFUL = 0x10  # + index of the stateful rule, so each keeps its own timeout

_FROM_INSIDE = f'iifname "{a.VETH_CENSOR_IN}"'


@dataclass(frozen=True)
class CensorPlan:
    """Everything one scenario makes the censor do, ready to apply."""

    nft: str
    iptables: tuple[tuple[str, ...], ...]
    dns: dict[str, object]
    middlebox: dict[str, object]


def _match(ep: Endpoint, proto: str = "tcp") -> str:
    port = f" {proto} dport {ep.port}" if ep.port is not None else ""
    return f"ip daddr {ep.ip}{port}"


def _forward_rules(rule: Rule, index: int) -> list[str]:
    t = rule.technique
    if t is Technique.IP_BLACKHOLE:
        return [f"{_FROM_INSIDE} {_match(ep)} drop" for ep in rule.endpoints]
    if t is Technique.TCP_RESET:
        return [
            f"{_FROM_INSIDE} {_match(ep)} meta l4proto tcp reject with tcp reset" for ep in rule.endpoints
        ]
    if t is Technique.TOR_BLOCK:
        ips = ", ".join(a.WORLD.tor_relay_ips())
        return [f"{_FROM_INSIDE} ip daddr {{ {ips} }} drop"]
    if t is Technique.UDP_BLOCK:
        return [f"{_FROM_INSIDE} meta l4proto udp udp dport != 53 drop"]
    if t is Technique.SHUTDOWN:
        return [f"{_FROM_INSIDE} drop"]
    if t is Technique.STATEFUL:
        mark = MARK_STATEFUL + index
        tuple_ = "ip saddr . ip daddr . tcp dport"
        return [
            f"meta mark {mark:#x} add @stateful {{ {tuple_} timeout {rule.seconds}s }} reject with tcp reset"
        ]
    return []


def _strings(rule: Rule) -> tuple[str, ...]:
    if rule.technique in (Technique.SNI_RESET, Technique.SNI_DROP):
        return rule.names
    if rule.technique is Technique.KEYWORD_RESET:
        return rule.keywords
    if rule.technique is Technique.STATEFUL:
        return rule.names + rule.keywords
    return ()


def _iptables(rule: Rule, index: int) -> list[tuple[str, ...]]:
    """Mark packets from inside that carry one of the rule's strings (SNI, Host, keyword)."""
    if rule.technique is Technique.SNI_DROP:
        mark = MARK_DROP
    elif rule.technique is Technique.STATEFUL:
        mark = MARK_STATEFUL + index
    else:
        mark = MARK_RESET
    return [
        ("iptables", "-t", "mangle", "-A", "FORWARD", "-i", a.VETH_CENSOR_IN, "-p", "tcp",
         "-m", "string", "--string", text, "--algo", "bm", "-j", "MARK", "--set-mark", f"{mark:#x}")
        for text in _strings(rule)
    ]  # fmt: skip


def plan(scenario: Scenario) -> CensorPlan:
    """Translate a scenario; pure, so it is unit-testable without root."""
    forward = [
        f"{_FROM_INSIDE} ip saddr . ip daddr . tcp dport @stateful reject with tcp reset",
        f"meta mark {MARK_RESET:#x} meta l4proto tcp reject with tcp reset",
        f"meta mark {MARK_DROP:#x} drop",
    ]
    iptables: list[tuple[str, ...]] = []
    for index, rule in enumerate(scenario.rules):
        forward += _forward_rules(rule, index)
        iptables += _iptables(rule, index)
    nat: list[str] = []
    input_rules: list[str] = []
    if scenario.uses(DNS_TECHNIQUES):
        nat.append(f"{_FROM_INSIDE} udp dport 53 dnat ip to {a.CENSOR_INSIDE_IP}:{a.INJECTOR_PORT}")
    if scenario.uses(MIDDLEBOX_TECHNIQUES):
        webs = f"{{ {a.WORLD.web_ip}, {a.WORLD.web2_ip} }}"
        nat.append(f"{_FROM_INSIDE} ip daddr {webs} tcp dport {{ 80, 443 }} dnat ip to "
                   f"{a.CENSOR_INSIDE_IP}:{a.MIDDLEBOX_PORT}")  # fmt: skip
    if scenario.uses(frozenset({Technique.SHUTDOWN})):
        input_rules.append(f"{_FROM_INSIDE} drop")
    nft = "\n".join(
        [
            f"table inet {TABLE}",
            f"delete table inet {TABLE}",
            f"table inet {TABLE} {{",
            "  set stateful { type ipv4_addr . ipv4_addr . inet_service; flags timeout; }",
            "  chain forward { type filter hook forward priority 10; policy accept;",
            *(f"    {line}" for line in forward),
            "  }",
            "  chain input { type filter hook input priority 10; policy accept;",
            *(f"    {line}" for line in input_rules),
            "  }",
            "  chain prerouting { type nat hook prerouting priority -100; policy accept;",
            *(f"    {line}" for line in nat),
            "  }",
            "}",
            "",
        ]
    )
    return CensorPlan(nft, tuple(iptables), _dns_config(scenario), _middlebox_config(scenario))


def _dns_config(scenario: Scenario) -> dict[str, object]:
    actions = {
        Technique.DNS_NXDOMAIN: "nxdomain",
        Technique.DNS_SERVFAIL: "servfail",
        Technique.DNS_TIMEOUT: "timeout",
        Technique.DNS_INJECT: "inject",
        Technique.DNS_RACE: "race",
    }
    rules = [
        {"action": actions[rule.technique], "names": list(rule.names), "answer": rule.answer}
        for rule in scenario.rules
        if rule.technique in actions
    ]
    return {"upstream": a.WORLD.dns_ip, "rules": rules}


def _middlebox_config(scenario: Scenario) -> dict[str, object]:
    blockpage = [n for r in scenario.rules if r.technique is Technique.HTTP_BLOCKPAGE for n in r.names]
    throttles = [r for r in scenario.rules if r.technique is Technique.THROTTLE]
    return {
        "blockpage_names": blockpage,
        "throttle_names": [n for r in throttles for n in r.names],
        "throttle_all": any(not r.names for r in throttles),
        "throttle_kbit": min((r.kbit for r in throttles), default=0),
        "scenario": scenario.name,
    }


def config_dir() -> Path:
    return a.STATE_DIR / "censor"


def apply(scenario: Scenario) -> CensorPlan:
    """Replace whatever the censor did before with ``scenario``, in place."""
    censor_plan = plan(scenario)
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "rules.nft"
    script.write_text(censor_plan.nft)
    run(in_ns(a.NS_CENSOR, ["iptables", "-t", "mangle", "-F", "FORWARD"]))
    run(in_ns(a.NS_CENSOR, ["nft", "-f", str(script)]))
    for argv in censor_plan.iptables:
        run(in_ns(a.NS_CENSOR, argv))
    _write_json(folder / "dns.json", censor_plan.dns)
    _write_json(folder / "middlebox.json", censor_plan.middlebox)
    # Forget flows and conntrack NAT decisions of the old scenario so it cannot leak into the new.
    run(
        in_ns(a.NS_CENSOR, ["sh", "-c", "command -v conntrack >/dev/null && conntrack -F || true"]),
        check=False,
    )
    (a.STATE_DIR / "scenario").write_text(scenario.name + "\n")
    return censor_plan


def _write_json(path: Path, value: dict[str, object]) -> None:
    """Write atomically: the helpers re-read their config whenever its mtime changes."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=1))
    tmp.replace(path)


def current() -> str | None:
    try:
        return (a.STATE_DIR / "scenario").read_text().strip() or None
    except OSError:
        return None
