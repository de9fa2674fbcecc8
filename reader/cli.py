"""The `reader` command: with no subcommand it opens the app; subcommands manage and print feeds.

Imports stay lazy so that quick commands (`reader articles`) start in a blink.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterable

import click

from reader.core.clean import clean_line


class UserError(click.ClickException):
    """An error for the user: one line on stderr, exit code 1, no traceback."""

    def show(self, file=None) -> None:
        click.echo(f"reader: {self.format_message()}", err=True)


def _open_store(ctx: click.Context):
    from reader.core.store import Store, StoreError

    path: Path = ctx.obj["db"]
    try:
        store = Store(path)
    except StoreError as error:
        raise UserError(str(error)) from None
    ctx.call_on_close(store.close)
    return store


def _db_option(f):
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False, path_type=Path), envvar="READER_DB",
        help="The database file (default: reader.db in your user data folder; env READER_DB).",
        expose_value=True, is_eager=False, default=None,
    )(f)


def _store_db(ctx: click.Context, db: Path | None) -> None:
    from reader.core.config import default_db_path

    if db is not None:
        ctx.obj["db"] = db
    elif "db" not in ctx.obj:
        ctx.obj["db"] = default_db_path()


class ReaderGroup(click.Group):
    """Turns the store's errors (damaged, locked, read-only database...) into one clear line."""

    def invoke(self, ctx: click.Context):
        from reader.core.store import StoreError

        try:
            return super().invoke(ctx)
        except StoreError as error:
            raise UserError(str(error)) from None


@click.group(cls=ReaderGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@_db_option
@click.version_option(package_name="reader", prog_name="reader")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """A terminal news reader: every article once, with its people and places highlighted.

    With no command, opens the reader (on the bundled sample feeds the first time).
    """
    ctx.ensure_object(dict)
    _store_db(ctx, db)
    if ctx.invoked_subcommand is None:
        _open_app(ctx)


def _open_app(ctx: click.Context) -> None:
    from reader.core.store import Store, StoreError

    try:
        store = Store(ctx.obj["db"])
    except StoreError as error:
        raise UserError(str(error)) from None
    try:
        if not store.has_feeds():
            _subscribe_samples(store)
        from reader.tui.app import run_app
    except BaseException:
        store.close()
        raise
    run_app(ctx.obj["db"], store=store)      # the app uses this store and closes it


def _subscribe_samples(store) -> None:
    """First run: subscribe to the sample feeds that ship with the reader (the app fetches
    feeds that were never fetched as soon as it opens)."""
    from reader.core.config import sample_feed_paths

    for path in sample_feed_paths():
        store.add_feed(str(path))


# --- feeds ------------------------------------------------------------------------------------


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--no-refresh", is_flag=True, help="Subscribe only; fetch on the next refresh.")
@_db_option
@click.pass_context
def add(ctx: click.Context, sources: tuple[str, ...], no_refresh: bool, db: Path | None) -> None:
    """Subscribe to feeds: web addresses (http/https) or paths of local feed files."""
    _store_db(ctx, db)
    store = _open_store(ctx)
    added = []
    for source in sources:
        url = _source_address(source)
        feed = store.add_feed(url)
        added.append(feed.id)
        click.echo(f"added {clean_line(url)}")
    if not no_refresh:
        _run_refresh(store, added, quiet=False)


def _source_address(source: str) -> str:
    """A feed address as the user typed it: a web URL, or a local file made absolute."""
    source = source.strip()
    lowered = source.lower()
    if lowered.startswith(("http://", "https://")):
        return source
    if lowered.startswith("file://"):
        source = source[len("file://"):]
    elif "://" in source or lowered.startswith(("javascript:", "data:", "mailto:")):
        raise UserError(f"cannot subscribe to {clean_line(source)!r}: use an http(s) address "
                        "or the path of a feed file")
    path = Path(source).expanduser()
    if not path.is_file():
        raise UserError(f"no such feed file: {clean_line(source)}")
    return str(path.resolve())


@main.command()
@click.argument("feeds", nargs=-1, required=True)
@_db_option
@click.pass_context
def remove(ctx: click.Context, feeds: tuple[str, ...], db: Path | None) -> None:
    """Unsubscribe from feeds (by id, address or title) and delete their articles."""
    _store_db(ctx, db)
    store = _open_store(ctx)
    for name in feeds:
        feed = store.find_feed(name)
        if feed is None:
            raise UserError(f"no feed called {clean_line(name)!r} (see `reader feeds`)")
        store.remove_feed(feed.id)
        click.echo(f"removed {feed.name}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_db_option
@click.pass_context
def feeds(ctx: click.Context, as_json: bool, db: Path | None) -> None:
    """List feeds with their unread counts and last error."""
    _store_db(ctx, db)
    store = _open_store(ctx)
    for feed in store.feeds():
        if as_json:
            click.echo(json.dumps({
                "id": feed.id, "title": feed.title, "url": feed.url, "unread": feed.unread,
                "total": feed.total, "last_error": feed.last_error,
            }, ensure_ascii=False))
            continue
        line = f"{feed.id:>4}  {feed.unread:>5} unread / {feed.total:<5}  {feed.name}"
        if feed.last_error:
            line += f"\n      ! {feed.last_error}"
        click.echo(line)


@main.command()
@click.argument("feeds", nargs=-1)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@_db_option
@click.pass_context
def refresh(ctx: click.Context, feeds: tuple[str, ...], quiet: bool, db: Path | None) -> None:
    """Fetch new articles for all feeds (or the ones named). Failed feeds are reported, not fatal."""
    _store_db(ctx, db)
    store = _open_store(ctx)
    ids = None
    if feeds:
        ids = []
        for name in feeds:
            feed = store.find_feed(name)
            if feed is None:
                raise UserError(f"no feed called {clean_line(name)!r} (see `reader feeds`)")
            ids.append(feed.id)
    _run_refresh(store, ids, quiet=quiet)


def _run_refresh(store, ids, quiet: bool) -> None:
    from reader.core.refresh import refresh as refresh_feeds
    from reader.core.settings import load_settings

    settings, problem = load_settings()
    if problem:
        click.echo(f"reader: {problem}", err=True)

    def run(on_feed):
        return refresh_feeds(store, ids, on_feed=on_feed,
                             concurrency=settings.refresh_concurrency,
                             retention_days=settings.retention_days)

    if quiet or not sys.stdout.isatty():
        # Plain lines (or none): no progress bar, and rich is not even imported.
        summary = run(None if quiet else lambda outcome, done, total_: click.echo(
            "".join(text for text, _style in _outcome_pieces(outcome))))
    else:
        summary = _refresh_with_progress(run, len(ids) if ids is not None else len(store.feeds()))
    expired = f", {summary.expired} old read articles deleted" if summary.expired else ""
    click.echo(
        f"{summary.feeds} feeds: {summary.new} new articles, {summary.updated} updated, "
        f"{summary.not_modified} not modified, {summary.failed} failed{expired}"
    )


def _refresh_with_progress(run, total: int):
    """Refresh in a terminal: a progress bar, and a coloured line per feed above it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    console = Console(highlight=False)
    with Progress(TextColumn("refreshing"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("refresh", total=total)

        def on_feed(outcome, done, total_):
            progress.update(task, completed=done)
            console.print(Text.assemble(*_outcome_pieces(outcome)))

        return run(on_feed)


def _outcome_pieces(outcome) -> list[tuple[str, str]]:
    """One feed's outcome as (text, style) pieces: "✓ name: 3 new", "✗ name: error"..."""
    if outcome.error:
        return [("✗ ", "red"), (outcome.name, ""), (f": {outcome.error}", "red")]
    if outcome.not_modified:
        return [("· ", "dim"), (outcome.name, ""), (": not modified", "dim")]
    pieces = [("✓ ", "green"), (outcome.name, ""),
              (f": {outcome.new} new", "green" if outcome.new else "dim")]
    if outcome.updated:
        pieces.append((f", {outcome.updated} updated", ""))
    if outcome.warning:
        pieces.append((f" (warning: {outcome.warning})", "yellow"))
    return pieces


@main.command("import-opml")
@click.argument("file", type=click.File("rb"))
@click.option("--no-refresh", is_flag=True, help="Subscribe only; fetch on the next refresh.")
@_db_option
@click.pass_context
def import_opml(ctx: click.Context, file, no_refresh: bool, db: Path | None) -> None:
    """Subscribe to every feed listed in an OPML file (from newsboat or another reader)."""
    _store_db(ctx, db)
    from reader.core.opml import read_opml

    try:
        found, problems = read_opml(file.read())
    except ValueError as error:
        raise UserError(f"cannot read {file.name}: {error}") from None
    store = _open_store(ctx)
    ids = []
    for item in found:
        known = store.feed_by_url(item.url)
        feed = known or store.add_feed(item.url, title=item.title)
        ids.append(feed.id)
        if not known:
            click.echo(f"added {feed.name}")
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{len(found)} feeds in {file.name}")
    if ids and not no_refresh:
        _run_refresh(store, ids, quiet=False)


@main.command("export-opml")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
@_db_option
@click.pass_context
def export_opml(ctx: click.Context, file, db: Path | None) -> None:
    """Write your subscriptions as OPML (to FILE, or standard output)."""
    _store_db(ctx, db)
    from reader.core.opml import OpmlFeed, write_opml

    store = _open_store(ctx)
    feeds_ = [OpmlFeed(url=f.url, title=f.title or f.url) for f in store.feeds()]
    file.write(write_opml(feeds_))


# --- articles ---------------------------------------------------------------------------------


@main.command()
@click.option("--feed", "feed_name", help="Only this feed (id, address or title).")
@click.option("--unread", is_flag=True, help="Only unread articles.")
@click.option("--starred", is_flag=True, help="Only starred articles.")
@click.option("--search", "-s", default="", help="Only articles containing these words.")
@click.option("--mentions", default="", help='Only articles mentioning this person or place, e.g. "Nayib Bukele".')
@click.option("--limit", "-n", default=50, show_default=True, help="How many (newest first); 0 for all.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_db_option
@click.pass_context
def articles(ctx, feed_name, unread, starred, search, mentions, limit, as_json, db) -> None:
    """List articles, newest first."""
    _store_db(ctx, db)
    from reader.core.store import ALL

    store = _open_store(ctx)
    query = ALL.only_unread(unread).only_starred(starred).containing(search)
    if feed_name:
        feed = store.find_feed(feed_name)
        if feed is None:
            raise UserError(f"no feed called {clean_line(feed_name)!r} (see `reader feeds`)")
        query = query.in_feed(feed.id)
    if mentions:
        kind = _mention_kind(store, mentions)
        query = query.mentioning(kind, mentions)
    rows = _all_pages(store, query, limit)
    out = sys.stdout
    for row in rows:
        if as_json:
            out.write(json.dumps({
                "id": row.id, "feed": row.feed, "title": row.title, "link": row.link,
                "author": row.author, "published": _iso(row.published), "read": row.read,
                "starred": row.starred, "story": row.story_id,
            }, ensure_ascii=False) + "\n")
        else:
            mark = ("*" if row.starred else " ") + (" " if row.read else "N")
            out.write(f"{row.id:>6} {mark} {_day(row.published)}  {row.feed[:20]:<20}  {row.title}\n")


def _all_pages(store, query, limit: int) -> Iterable:
    """Rows page by page (keyset), so even `--limit 0` never holds every row at once."""
    page = 500 if limit == 0 or limit > 500 else limit
    left = limit or None
    after = None
    while True:
        rows = store.articles(query, limit=page if left is None else min(page, left), after=after)
        yield from rows
        if left is not None:
            left -= len(rows)
            if left <= 0:
                return
        if len(rows) < page:
            return
        after = (rows[-1].published, rows[-1].id)


def _mention_kind(store, name: str) -> str:
    for kind in ("person", "place"):
        if store.execute("SELECT 1 FROM mentions WHERE kind = ? AND name = ? LIMIT 1", (kind, name)):
            return kind
    return "person"


def _iso(seconds: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _day(seconds: int) -> str:
    import time

    return time.strftime("%Y-%m-%d", time.localtime(seconds))


@main.command()
@click.argument("article_id", type=int)
@click.option("--plain", is_flag=True, help="No colour or styles.")
@click.option("--show-removed", is_flag=True, help="Show the removed repeats too, dimmed and labelled.")
@click.option("--json", "as_json", is_flag=True, help="The analysis as JSON (as `render --json`).")
@click.option("--no-highlight", is_flag=True, help="Do not look for people and places.")
@_db_option
@click.pass_context
def show(ctx, article_id: int, plain: bool, show_removed: bool, as_json: bool, no_highlight: bool, db) -> None:
    """Print one article, cleaned of repeated text, with its people and places highlighted."""
    _store_db(ctx, db)
    from reader.analysis import mentions_for, read_article

    store = _open_store(ctx)
    article = store.article(article_id)
    if article is None:
        raise UserError(f"no article with id {article_id} (see `reader articles`)")
    body = read_article(article)
    mentions = [] if no_highlight else _mentions_or_warn(lambda: mentions_for(store, article, body))
    if as_json:
        from reader.analysis import as_json as to_json

        click.echo(json.dumps(to_json(article.title, body, mentions), ensure_ascii=False))
        return
    header = [article.title, f"{article.feed} · {_day(article.published)}"
              + (f" · {article.author}" if article.author else "")]
    if article.link:
        header.append(article.link)
    _print_body(header, body, mentions, plain=plain, show_removed=show_removed)


def _mentions_or_warn(find) -> list:
    from reader.text.entities import ModelUnavailable

    try:
        return find()
    except ModelUnavailable as error:
        click.echo(f"reader: highlighting is off: {error}", err=True)
        return []


def _print_body(header: list[str], body, mentions, *, plain: bool, show_removed: bool) -> None:
    from rich.console import Console
    from rich.text import Text

    from reader.analysis import spans_of
    from reader.text.render import render_body

    console = Console(highlight=False, emoji=False, markup=False,
                      color_system=None if plain else "auto")
    for i, line in enumerate(header):
        if line:
            console.print(Text(line, style="bold" if i == 0 and not plain else ""))
    console.print()
    console.print(render_body(body, spans_of(mentions), show_removed=show_removed))


@main.command("mark-read")
@click.argument("article_ids", type=int, nargs=-1)
@click.option("--feed", "feed_name", help="Mark every article of this feed read.")
@click.option("--all", "everything", is_flag=True, help="Mark every article read.")
@click.option("--unread", is_flag=True, help="Mark them unread instead.")
@_db_option
@click.pass_context
def mark_read(ctx, article_ids, feed_name, everything, unread, db) -> None:
    """Mark articles read (by id), or all of one feed, or everything."""
    _store_db(ctx, db)
    from reader.core.store import ALL

    store = _open_store(ctx)
    if feed_name:
        feed = store.find_feed(feed_name)
        if feed is None:
            raise UserError(f"no feed called {clean_line(feed_name)!r} (see `reader feeds`)")
        click.echo(f"{store.mark_feed_read(feed.id)} articles marked read")
    elif everything:
        click.echo(f"{store.mark_all_read(ALL)} articles marked read")
    elif article_ids:
        changed = store.mark_read(article_ids, read=not unread)
        click.echo(f"{changed} articles marked {'unread' if unread else 'read'}")
    else:
        raise UserError("say which articles: give ids, --feed NAME or --all")


# --- bodies, people, places, stories ----------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--title", default="", help="The article's headline (a repeat of it is removed).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per line for several files).")
@click.option("--plain", is_flag=True, help="No colour or styles.")
@click.option("--show-removed", is_flag=True, help="Show the removed repeats too, dimmed and labelled.")
@click.option("--no-highlight", is_flag=True, help="Do not look for people and places.")
def render(paths, title, as_json, plain, show_removed, no_highlight) -> None:
    """Print article bodies (HTML or text; files, or - for standard input) cleaned and highlighted."""
    from reader.core.clean import clean
    from reader.text.body import read_body

    sources = list(paths) or ["-"]
    bodies = []
    for source in sources:
        try:
            raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as error:
            raise UserError(f"cannot read {source}: {error.strerror or error}") from None
        text = clean(raw.decode("utf-8", errors="replace"))
        bodies.append(read_body(title=clean_line(title), content=text))
    found: list[list] = [[] for _ in bodies]
    if not no_highlight:
        from reader.text.entities import recogniser

        results = _mentions_or_warn(
            lambda: recogniser().mentions_many((b.text, b.title) for b in bodies)
        )
        found = [body_mentions for _, body_mentions in results] if results else found
    for body, mentions in zip(bodies, found):
        if as_json:
            from reader.analysis import as_json as to_json

            click.echo(json.dumps(to_json(body.title, body, mentions), ensure_ascii=False))
        else:
            _print_body([body.title], body, mentions, plain=plain, show_removed=show_removed)


def _entity_command(kind: str):
    @click.option("--limit", "-n", default=0, help="How many (most mentioned first); 0 for all.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
    @click.option("--analyse/--no-analyse", default=True,
                  help="First find people and places in articles not yet analysed.")
    @_db_option
    @click.pass_context
    def command(ctx, limit, as_json, analyse, db):
        _store_db(ctx, db)
        store = _open_store(ctx)
        if analyse:
            from reader.analysis import analyse_pending

            _mentions_or_warn(lambda: [analyse_pending(store, limit=10**9)])
        for item in store.mentioned(kind, limit or None):
            if as_json:
                click.echo(json.dumps({"kind": kind, "name": item.name, "articles": item.articles},
                                      ensure_ascii=False))
            else:
                click.echo(f"{item.articles:>5}  {item.name}")

    command.__doc__ = f"List the {'people' if kind == 'person' else 'places'} stored articles mention, with how many articles."
    return command


main.command("people")(_entity_command("person"))
main.command("places")(_entity_command("place"))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--min", "min_articles", default=1, show_default=True, help="Only stories with at least this many articles.")
@click.option("--limit", "-n", default=0, help="How many stories (newest first); 0 for all.")
@_db_option
@click.pass_context
def stories(ctx, as_json, min_articles, limit, db) -> None:
    """List stories: the same story carried by several feeds is one story with its sources."""
    _store_db(ctx, db)
    from reader.stories import group_new_articles, stories as find_stories

    store = _open_store(ctx)
    group_new_articles(store)
    for story in find_stories(store, limit=limit or None, min_articles=min_articles):
        if as_json:
            click.echo(json.dumps({
                "id": story.id, "title": story.title,
                "articles": [{"id": a.id, "feed": a.feed, "title": a.title, "link": a.link}
                             for a in story.articles],
            }, ensure_ascii=False))
        else:
            click.echo(f"{story.id:>6}  {story.title}  ({len(story.articles)} sources)")
            for a in story.articles:
                click.echo(f"        {a.id:>6}  {a.feed}: {a.title}")


if __name__ == "__main__":
    main()
