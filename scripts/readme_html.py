"""Write static/description/index.html (Odoo's Apps page) from readme/*.md.

Run from the repository root after changing a readme fragment:
``python3 scripts/readme_html.py``. Only the Markdown the fragments use is
understood: paragraphs, "- " lists, **bold**, *italic* and `code`.
"""

import html
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PARTS = [
    ("Expat Service Desk", "DESCRIPTION.md"),
    ("Configuration", "CONFIGURE.md"),
    ("Usage", "USAGE.md"),
    ("Known limits", "ROADMAP.md"),
    ("Contributors", "CONTRIBUTORS.md"),
]
PAGE = """<!DOCTYPE html>
<!-- Made from readme/*.md by scripts/readme_html.py: edit those and run it. -->
<html>
<head><meta charset="utf-8"/><title>Expat Service Desk</title></head>
<body>
<section class="oe_container">
<div class="oe_row oe_spaced">
{body}
</div>
</section>
</body>
</html>
"""


def inline(text):
    """Escape ``text`` and turn its inline Markdown into HTML."""
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def list_items(lines):
    """The items of a "- " list, continuation lines joined."""
    items = []
    for line in lines:
        if line.startswith("- "):
            items.append(line[2:].strip())
        else:
            items[-1] += " " + line.strip()
    return items


def to_html(markdown):
    """HTML of a readme fragment."""
    blocks = []
    for block in markdown.strip().split("\n\n"):
        lines = block.split("\n")
        if lines[0].startswith("- "):
            items = "".join(f"<li>{inline(i)}</li>" for i in list_items(lines))
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{inline(' '.join(line.strip() for line in lines))}</p>")
    return "\n".join(blocks)


def main():
    sections = []
    for number, (title, name) in enumerate(PARTS):
        tag = "h1" if number == 0 else "h2"
        text = (ROOT / "readme" / name).read_text(encoding="utf-8")
        sections.append(f"<{tag}>{title}</{tag}>\n{to_html(text)}")
    target = ROOT / "static" / "description" / "index.html"
    target.write_text(PAGE.format(body="\n".join(sections)), encoding="utf-8")


if __name__ == "__main__":
    main()
