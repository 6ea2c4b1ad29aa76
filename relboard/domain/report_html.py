"""The post-change report as one self-contained HTML page: inline CSS, no scripts, no external assets.

Every data string goes through `h` (control characters removed, then html.escape with quotes), so
no plan or note can add markup. The page prints cleanly: tables repeat their headers, rows do not
split across pages, and colours fall back to text labels.
"""

from __future__ import annotations

import html

from relboard.domain.report import TITLE, Field, Report, tables
from relboard.domain.text import clean

_CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
       max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #c8ccd1; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #c8ccd1; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f0f2f4; }
td, .pre { white-space: pre-wrap; overflow-wrap: anywhere; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.code { display: inline-block; font-weight: 700; padding: .1rem .6rem; border-radius: .3rem; border: 2px solid; }
.code-successful { color: #14642b; }
.code-successful-with-issues { color: #7a5600; }
.code-unsuccessful, .code-rolled-back { color: #9b1c1c; }
.code-rescheduled { color: #2f4b8f; }
.status { font-weight: 700; text-transform: uppercase; font-size: .85em; }
.none { color: #59616b; font-style: italic; }
.timeline td:first-child { white-space: nowrap; }
@media print {
  body { font-size: 10pt; margin: 0; max-width: none; color: #000; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; }
  .code { border-width: 1px; }
}
"""


def h(text: str) -> str:
    """One data string as inert HTML text (newlines kept: cells show them with pre-wrap)."""
    return html.escape(clean(text), quote=True)


def _has(text: str) -> bool:
    return bool(clean(text).strip())


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower())


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]], css: str = "") -> list[str]:
    attribute = f' class="{css}"' if css else ""
    out = [
        f"<table{attribute}>",
        "<thead><tr>" + "".join(f"<th>{h(x)}</th>" for x in headers) + "</tr></thead>",
        "<tbody>",
    ]
    out += ["<tr>" + "".join(f"<td>{h(cell)}</td>" for cell in row) + "</tr>" for row in rows]
    out += ["</tbody>", "</table>"]
    return out


def _fields(fields: tuple[Field, ...]) -> list[str]:
    return ['<dl class="fields">', *(f"<dt>{h(f.label)}</dt><dd>{h(f.value)}</dd>" for f in fields), "</dl>"]


def _none(text: str) -> list[str]:
    return [f'<p class="none">{h(text)}</p>']


def _section(title: str, body: list[str]) -> list[str]:
    return ["<section>", f"<h2>{h(title)}</h2>", *body, "</section>"]


def _checklist(report: Report) -> list[str]:
    out = _table(
        ("Phase", "Steps", "Passed", "Failed", "Skipped", "Blocked", "Not run"),
        [
            (p.phase, str(p.total), str(p.passed), str(p.failed), str(p.skipped), str(p.blocked), str(p.not_run))
            for p in report.phases
        ],
    )
    for phase in report.phases:
        out.append(f"<h3>{h(phase.phase.capitalize())}</h3>")
        if not phase.exceptions and not phase.not_run_ids:
            out += _none("Every step passed.")
            continue
        out.append("<ul>")
        for step in phase.exceptions:
            critical = " (critical)" if step.critical else ""
            who = ", ".join(x for x in (step.by, step.at) if _has(x))
            item = f'<li><span class="status">{h(step.status)}</span>{h(critical)} {h(step.title)} ({h(step.id)})'
            item += f", owner {h(step.owner)}: "
            item += f'<span class="pre">{h(step.note)}</span>' if _has(step.note) else "no note"
            if who:
                item += f" [{h(who)}]"
            notes = [n for n in step.notes if _has(n)]
            if notes:
                item += "<ul>" + "".join(f'<li>note: <span class="pre">{h(n)}</span></li>' for n in notes) + "</ul>"
            out.append(item + "</li>")
        if phase.not_run_ids:
            out.append(f'<li><span class="status">not run</span> {h(", ".join(phase.not_run_ids))}</li>')
        out.append("</ul>")
    return out


def render_html(report: Report) -> str:
    close = report.close
    code_class = f"code code-{_slug(close.code.value)}"
    body = [f"<h1>{h(TITLE)}: {h(report.title)}</h1>"]
    body += _fields((*report.change, Field("Close code", close.code.value)))

    body += _section(
        "Close code",
        [
            f'<p><span class="{code_class}">{h(close.code.value)}</span></p>',
            "<ul>",
            *(f"<li>{h(r)}</li>" for r in close.reasons),
            "</ul>",
        ],
    )
    body += _section(
        "Window",
        [
            f"<p>Times in {h(report.zone_name)}.</p>",
            *_table(("", "Planned", "Actual"), list(report.window)),
            *_fields(report.owners),
        ],
    )
    body += _section("Checklist", _checklist(report))

    for table in tables(report):
        rendered = _table(table.headers, table.rows, css="timeline" if table.name == "timeline" else "")
        body += _section(table.title, rendered if table.rows or not table.empty else _none(table.empty))

    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(TITLE)}: {h(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(page) + "\n"
