"""The refresh loop in situations the app puts it in."""

import subprocess
import sys
import textwrap


def test_refresh_works_when_stderr_is_not_a_real_file(tmp_path):
    # Inside the app, Textual replaces sys.stderr with an object whose fileno() is -1; the
    # parse workers must still start (they failed with "bad value(s) in fds_to_keep").
    code = textwrap.dedent(f"""
        import sys
        from reader.core.config import sample_feed_paths
        from reader.core.refresh import refresh
        from reader.core.store import Store

        class Captured:
            def write(self, text): return len(text)
            def flush(self): pass
            def fileno(self): return -1

        sys.stderr = Captured()
        with Store({str(tmp_path / "r.db")!r}) as store:
            for path in sample_feed_paths():
                store.add_feed(str(path))
            summary = refresh(store)
        print(summary.new, summary.failed, [o.error for o in summary.outcomes if o.error])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    new, failed, *_ = out.stdout.split()
    assert int(new) >= 40 and failed == "0", out.stdout
