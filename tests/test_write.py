"""Atomic writes: files readable by all, leftovers of killed writes cleaned, a full or read-only disk reported in one line."""

from __future__ import annotations

import errno
import os
import tempfile
import time
from pathlib import Path

import pytest

from generator import write
from generator.errors import GeneratorError
from generator.write import OutputWriter, WriteError, remove_stale_temporaries, write_atomic


def test_write_atomic_makes_the_file_readable_by_all_whatever_the_umask(tmp_path):
    previous = os.umask(0o077)
    try:
        write_atomic(tmp_path / "posts" / "x.md", b"text")
        write_atomic(tmp_path / "posts" / "x.md", b"new text")  # a replacement too
    finally:
        os.umask(previous)
    path = tmp_path / "posts" / "x.md"
    assert path.read_bytes() == b"new text"
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_atomic_names_its_temporary_recognisably(tmp_path, monkeypatch):
    seen: list[str] = []
    replace = os.replace

    def spying_replace(source, target):
        seen.append(Path(source).name)
        replace(source, target)

    monkeypatch.setattr(os, "replace", spying_replace)
    write_atomic(tmp_path / "x.md", b"text")
    assert len(seen) == 1 and seen[0].startswith(".x.md.tmp-") and len(seen[0]) == len(".x.md.tmp-") + 8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.md"]


def leftover(folder: Path, target: str, age_seconds: float) -> Path:
    """A temporary as a write killed `age_seconds` ago leaves it beside `target`."""
    handle, name = tempfile.mkstemp(prefix=f".{target}{write.TEMPORARY_MARK}", dir=folder)
    os.write(handle, b"half a fi")
    os.close(handle)
    moment = time.time() - age_seconds
    os.utime(name, (moment, moment))
    return Path(name)


def test_remove_stale_temporaries_deletes_only_old_temporaries_of_ours(tmp_path):
    old = leftover(tmp_path, "prices.parquet", 3600)
    fresh = leftover(tmp_path, "prices.parquet", 1)  # a write in progress elsewhere
    foreign = [tmp_path / ".prices.parquet.tmp-mine", tmp_path / ".notes.swp", tmp_path / "prices.parquet"]
    for path in foreign:
        path.write_bytes(b"x")
        os.utime(path, (time.time() - 3600,) * 2)
    nested = tmp_path / "posts"
    nested.mkdir()
    deep = leftover(nested, "x.md", 3600)
    assert remove_stale_temporaries(tmp_path) == [old]
    assert fresh.exists() and deep.exists() and all(path.exists() for path in foreign)
    assert remove_stale_temporaries(tmp_path, recursive=True) == [deep]


def test_remove_stale_temporaries_of_a_missing_folder_is_a_no_op(tmp_path):
    assert remove_stale_temporaries(tmp_path / "nowhere") == []


def test_output_writer_removes_stale_temporaries_anywhere_under_its_root(tmp_path):
    posts = tmp_path / "posts" / "2021"
    posts.mkdir(parents=True)
    stale = [leftover(tmp_path, "index.md", 120), leftover(posts, "x.md", 120)]
    kept = leftover(posts, "y.md", 0)
    assert sorted(OutputWriter(tmp_path).remove_stale_temporaries()) == sorted(stale)
    assert kept.exists()


def refuse(error: BaseException):
    def refusing(*args, **kwargs):
        raise error

    return refusing


FAILURES = {
    "disk-full": ("fsync", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "No space left on device"),
    "read-only-file-system": ("replace", OSError(errno.EROFS, os.strerror(errno.EROFS)), "Read-only file system"),
    "permission-denied": ("replace", PermissionError(errno.EACCES, os.strerror(errno.EACCES)), "Permission denied"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failed_write_is_one_line_naming_the_file_and_leaves_the_old_one(tmp_path, monkeypatch, case):
    function, error, words = FAILURES[case]
    monkeypatch.chdir(tmp_path)
    path = Path("content/posts/x.md")
    write_atomic(path, b"old")
    monkeypatch.setattr(os, function, refuse(error))
    with pytest.raises(WriteError) as raised:
        write_atomic(path, b"new")
    assert isinstance(raised.value, GeneratorError)
    assert str(raised.value) == f"cannot write content/posts/x.md: {words}"
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.md"]  # the temporary is gone


def test_a_folder_that_cannot_be_created_is_a_write_error(tmp_path):
    (tmp_path / "content").write_text("a file where the folder should be")
    with pytest.raises(WriteError, match=r"^cannot write .*content/posts/x\.md: (File exists|Not a directory)$"):
        write_atomic(tmp_path / "content" / "posts" / "x.md", b"new")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_folder_is_a_write_error(tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "x.md").write_bytes(b"old")
    folder.chmod(0o555)
    try:
        with pytest.raises(WriteError, match=r"x\.md: Permission denied$"):
            write_atomic(folder / "x.md", b"new")
    finally:
        folder.chmod(0o755)
    assert (folder / "x.md").read_bytes() == b"old"
    assert sorted(p.name for p in folder.iterdir()) == ["x.md"]


def test_an_interrupted_write_removes_its_temporary_and_is_not_a_write_error(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", refuse(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "x.md", b"new")
    assert list(tmp_path.iterdir()) == []


def test_placing_a_staged_file_links_it_and_a_later_write_of_the_stage_leaves_it(tmp_path):
    """apply_staged puts each staged file into the docs dir as a second name for it (no copy): the stage's next write
    replaces its own name only, so the published file keeps the bytes it was placed with."""
    staged = tmp_path / "stage" / "post.md"
    write_atomic(staged, b"first", durable=False)
    out = OutputWriter(tmp_path / "docs", durable=False)
    placed = out.place("posts/post.md", staged)
    assert placed.read_bytes() == b"first" and placed.stat().st_ino == staged.stat().st_ino and out.changed == 1
    write_atomic(staged, b"second", durable=False)
    assert placed.read_bytes() == b"first"
    assert [p.name for p in placed.parent.iterdir()] == ["post.md"], "no temporary is left behind"
    again = OutputWriter(tmp_path / "docs", durable=False)
    again.place("posts/post.md", staged)
    assert placed.read_bytes() == b"second" and again.changed == 1
    again.place("posts/post.md", staged)
    assert again.changed == 1, "the same bytes are not placed twice"


def test_placing_where_links_fail_writes_a_copy(tmp_path, monkeypatch):
    staged = tmp_path / "stage.md"
    staged.write_bytes(b"bytes")

    def no_links(source, target):
        raise OSError(errno.EPERM, "links not supported")

    monkeypatch.setattr(os, "link", no_links)
    placed = OutputWriter(tmp_path / "docs", durable=False).place("page.md", staged)
    assert placed.read_bytes() == b"bytes" and placed.stat().st_ino != staged.stat().st_ino
