"""The core and text code never load Textual, so they start fast and test without a terminal."""

import subprocess
import sys


def test_core_and_text_do_not_import_textual():
    code = (
        "import sys\n"
        "import reader.core.store, reader.core.clean, reader.core.refresh, reader.core.config\n"
        "import reader.core.fetch, reader.core.parse, reader.core.opml\n"
        "import reader.text.blocks, reader.text.dedup, reader.text.body, reader.text.render\n"
        "import reader.text.entities, reader.analysis\n"
        "bad = [m for m in ('textual',) if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_listing_articles_does_not_load_heavy_modules():
    code = (
        "import sys\n"
        "import reader.cli, reader.core.store\n"
        "heavy = [m for m in ('textual', 'rich', 'spacy', 'feedparser', 'httpx', 'selectolax')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
