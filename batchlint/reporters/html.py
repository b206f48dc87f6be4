"""``--format html``: one self-contained page to open or attach to a ticket.

Inline CSS and JavaScript, no external request (no font, script or image from
elsewhere). A summary; findings grouped by account → region → resource, coloured
by severity, each with its location, message and fix; filters by severity and
rule (also set from the address: ``report.html#severity=error,warning&rule=BL103``);
checks that could not be verified apart; each rule linked to its documentation,
embedded at the end of the page (``batchlint explain``'s text). Every value from
the input is escaped, control characters included. Environment values are never
in a finding, so never in the page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from itertools import groupby
from typing import IO

from batchlint import __version__
from batchlint.reporters import ReportInput
from batchlint.reporters.common import findings_of, split_fix, summary
from batchlint.rule import SEVERITIES, WEB_URL, Finding, NotVerified, Rule
from batchlint.terminal import escape_keeping_newlines

_RANK = {severity: -i for i, severity in enumerate(SEVERITIES)}  # errors first

STYLE = """
:root{--error:#b42318;--warning:#b54708;--note:#175cd3;--muted:#667085;--line:#eaecf0}
*{box-sizing:border-box}[hidden]{display:none!important}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#101828}
header{padding:16px 24px;background:#f9fafb;border-bottom:1px solid var(--line)}
h1{font-size:20px;margin:0 0 6px}h2{font-size:17px;margin:22px 0 6px}
h3{font-size:15px;margin:14px 0 6px;color:#344054}h4{font-size:14px;margin:12px 0 4px}
main{padding:0 24px 32px}.muted,.where{color:var(--muted)}.where{font-family:monospace}
.counts span{display:inline-block;margin-right:14px;font-weight:600}
.c-error{color:var(--error)}.c-warning{color:var(--warning)}.c-note{color:var(--note)}
.filters{margin-top:10px;display:flex;gap:16px;flex-wrap:wrap;align-items:center}
table{border-collapse:collapse;width:100%;margin-bottom:6px}
td{border-top:1px solid var(--line);padding:5px 8px;vertical-align:top}
.sev{font-weight:700;text-transform:uppercase;font-size:11px;padding:2px 6px;border-radius:4px;
color:#fff;white-space:nowrap}
.sev.error{background:var(--error)}.sev.warning{background:var(--warning)}
.sev.note{background:var(--note)}.sev.unknown{background:#7a5af8}
tr.finding.error{border-left:4px solid var(--error)}tr.finding.warning{border-left:4px solid
var(--warning)}tr.finding.note{border-left:4px solid var(--note)}
.fix{margin-top:3px}.fix b{color:#067647}code,pre{font-family:ui-monospace,monospace}
pre{white-space:pre-wrap;background:#f9fafb;padding:10px;border:1px solid var(--line)}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
a{color:#1849a9}
"""

SCRIPT = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=severity]'));
  var rule = document.getElementById('rule');
  function read() {
    var params = new URLSearchParams(location.hash.slice(1));
    if (params.has('severity')) {
      var wanted = params.get('severity').split(',');
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    if (params.has('rule')) { rule.value = params.get('rule'); }
  }
  function apply() {
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var picked = rule.value, shown = 0;
    document.querySelectorAll('tr.finding').forEach(function (tr) {
      tr.hidden = on.indexOf(tr.dataset.severity) < 0 || (picked && tr.dataset.rule !== picked);
      if (!tr.hidden) { shown++; }
    });
    document.querySelectorAll('tr.gap').forEach(function (tr) {
      tr.hidden = !!picked && tr.dataset.rule !== picked;
    });
    document.querySelectorAll('.group').forEach(function (el) {
      el.hidden = !el.querySelector('tr.finding:not([hidden])');
    });
    document.getElementById('shown').textContent = String(shown);
  }
  function write() {
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var hash = 'severity=' + on.join(',') + (rule.value ? '&rule=' + rule.value : '');
    history.replaceState(null, '', '#' + hash);
  }
  boxes.concat([rule]).forEach(function (el) {
    el.addEventListener('change', function () { apply(); write(); });
  });
  window.addEventListener('hashchange', function () { read(); apply(); });
  read(); apply();
  document.body.dataset.ready = 'true';
})();
"""


def write(result: ReportInput, out: IO[str]) -> None:
    findings, gaps, _ = findings_of(result.report)
    rules = {rule.id: rule for rule in result.report.rules}
    seen = sorted({item.rule_id for item in findings}
                  | {gap.rule_id for gap in gaps})
    out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              # nothing this page loads may come from elsewhere
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
              "<title>batchlint report</title>\n"
              f"<style>{STYLE}</style>\n</head>\n<body>\n")
    out.write(_header(result, seen, rules))
    out.write("<main>\n")
    if findings:
        out.write(_findings(findings, rules))
    else:
        out.write("<p id=\"no-findings\">No findings.</p>\n")
    if gaps:
        out.write(_gaps(gaps, rules))
    if result.notes:
        out.write("<h2>Notes</h2>\n<ul class=\"notes\">\n"
                  + "".join(f"<li>{_e(note)}</li>\n" for note in result.notes) + "</ul>\n")
    out.write(_docs([rules[rule_id] for rule_id in seen if rule_id in rules]))
    out.write(f"</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n")


def _e(text: object) -> str:
    """Text from the input, safe in HTML: markup and control characters escaped."""
    return html.escape(escape_keeping_newlines(str(text)), quote=True)


def _header(result: ReportInput, seen: list[str], rules: dict[str, Rule]) -> str:
    counts = summary(result.report)
    parts = [f"<span class=\"c-{s}\" id=\"count-{s}\">{counts[s]} {s}"
             f"{'' if counts[s] == 1 else 's'}</span>" for s in ("error", "warning", "note")]
    parts.append(f"<span id=\"count-not-verified\">{counts['not_verified']} not verified</span>")
    if result.report.suppressed:
        parts.append(f"<span>{len(result.report.suppressed)} suppressed</span>")
    if result.baseline_hidden:
        parts.append(f"<span>{result.baseline_hidden} in the baseline</span>")
    boxes = "".join(f"<label><input type=\"checkbox\" name=\"severity\" value=\"{s}\" checked> "
                    f"<span class=\"c-{s}\">{s}</span></label>" for s in ("error", "warning",
                                                                           "note"))
    options = "".join(f"<option value=\"{_e(rule_id)}\">{_e(rule_id)} "
                      f"{_e(rules[rule_id].name if rule_id in rules else '')}</option>"
                      for rule_id in seen)
    read = f"<p class=\"muted\">Read: {_e('; '.join(result.sources))}</p>" \
        if result.sources else ""
    return (f"<header>\n<h1>batchlint report</h1>\n<div class=\"counts\">{''.join(parts)}</div>\n"
            f"<p class=\"muted\">{result.resources_checked} resources checked by "
            f"{len(result.report.rules)} rules · batchlint {_e(__version__)}</p>\n{read}\n"
            f"<div class=\"filters\">Severity: {boxes}<label>Rule: <select id=\"rule\">"
            f"<option value=\"\">all rules</option>{options}</select></label>"
            f"<span class=\"muted\"><span id=\"shown\">{len(result.report.findings)}</span> "
            "findings shown</span></div>\n</header>\n")


def _findings(findings: list[Finding], rules: dict[str, Rule]) -> str:
    parts = ["<h2>Findings</h2>\n"]

    def account(item: Finding) -> str:
        return item.resource.account or "no account"

    def region(item: Finding) -> str:
        return item.resource.region or "no region"

    for account_name, in_account in groupby(findings, key=account):
        parts.append(f"<section class=\"group account\">\n<h2>Account {_e(account_name)}</h2>\n")
        for region_name, in_region in groupby(in_account, key=region):
            parts.append(f"<section class=\"group region\">\n<h3>{_e(region_name)}</h3>\n")
            for resource, items in groupby(in_region, key=lambda item: item.resource):
                ranked = sorted(items, key=lambda item: _RANK[item.severity])
                where = ranked[0].location.path if ranked[0].location else ""
                parts.append(f"<div class=\"group resource\">\n<h4>{_e(resource.kind)} "
                             f"<code>{_e(resource.name)}</code> <span class=\"where\">"
                             f"{_e(where)}</span></h4>\n<table>\n")
                parts.extend(_row(item, rules) for item in ranked)
                parts.append("</table>\n</div>\n")
            parts.append("</section>\n")
        parts.append("</section>\n")
    return "".join(parts)


def _row(item: Finding, rules: dict[str, Rule]) -> str:
    f = item
    problem, fix = split_fix(f.message)
    at = f"{item.location.line}:{item.location.column}" if item.location else ""
    fixed = f"<div class=\"fix\"><b>Fix:</b> {_e(fix)}</div>" if fix else ""
    return (f"<tr class=\"finding {_e(f.severity)}\" data-severity=\"{_e(f.severity)}\" "
            f"data-rule=\"{_e(f.rule_id)}\"><td><span class=\"sev {_e(f.severity)}\">"
            f"{_e(f.severity)}</span></td><td>{_rule_link(f.rule_id, f.rule_name, rules)}</td>"
            f"<td class=\"where\">{_e(at)}</td><td><div class=\"message\">{_e(problem)}</div>"
            f"{fixed}</td></tr>\n")


def _rule_link(rule_id: str, name: str, rules: dict[str, Rule]) -> str:
    if rule_id not in rules:
        return f"<b>{_e(rule_id)}</b> {_e(name)}"
    return f"<a href=\"#rule-{_e(rule_id)}\"><b>{_e(rule_id)}</b></a> {_e(name)}"


def _gaps(gaps: list[NotVerified], rules: dict[str, Rule]) -> str:
    rows = "".join(
        f"<tr class=\"gap\" data-rule=\"{_e(g.rule_id)}\"><td><span class=\"sev unknown\">"
        f"not verified</span></td><td>{_rule_link(g.rule_id, g.rule_name, rules)}</td>"
        f"<td>{_e(g.resource.label)}<div class=\"where\">{_e(_where(g))}</div></td>"
        f"<td>{_e(g.reason)}</td></tr>\n" for g in gaps)
    return (f"<section id=\"not-verified\">\n<h2>Not verified ({len(gaps)})</h2>\n"
            "<p class=\"muted\">The data these checks need was not given: neither passed nor "
            f"failed.</p>\n<table>\n{rows}</table>\n</section>\n")


def _where(gap: NotVerified) -> str:
    if gap.location is not None:
        return f"{gap.location.path}:{gap.location.line}:{gap.location.column}"
    res = gap.resource
    return "/".join(part or "-" for part in (res.account, res.region))


def _reference(url: object) -> str:
    """A link for an http or https URL; anything else (``javascript:``, ``data:``) is only
    text (rules are checked when they load: this is the page's own guard)."""
    if isinstance(url, str) and WEB_URL.match(url):
        return f"<a href=\"{_e(url)}\" rel=\"noreferrer\">{_e(url)}</a>"
    return _e(url)


def _docs(rules: Iterable[Rule]) -> str:
    parts = []
    for rule in rules:
        refs = "".join(f"<li>{_reference(url)}</li>" for url in rule.references)
        parts.append(f"<details id=\"rule-{_e(rule.id)}\"><summary>{_e(rule.id)} "
                     f"{_e(rule.name)} — {_e(rule.summary)}</summary>\n"
                     f"<pre>{_e(rule.doc)}</pre>\n"
                     + (f"<ul>{refs}</ul>\n" if refs else "") + "</details>\n")
    if not parts:
        return ""
    return ("<section id=\"rules\">\n<h2>Rules</h2>\n<p class=\"muted\">What each rule checks "
            "and how to fix it (<code>batchlint explain</code>).</p>\n" + "".join(parts)
            + "</section>\n")
