"""Tests for wenzheng.lib.uploads.

The accepted files are real: the images are written by Pillow and decoded again before use, the
PDF is a complete one-page document. The hostile files carry the headers attackers actually use.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wenzheng.lib import uploads
from wenzheng.lib.uploads import (
    ALLOWED,
    UploadProblem,
    check_upload,
    check_uploads,
    describe_upload,
    display_name,
    sniff,
)

MB = 1024 * 1024

MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)
# A Windows executable: "MZ", the DOS stub message, then the PE header.
WINDOWS_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"This program cannot be run in DOS mode.\r\n"
)
HTML_PAGE = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, format=fmt)
    data = buffer.getvalue()
    # Make sure the fixture is a file an image viewer would open, not just a header.
    with Image.open(io.BytesIO(data)) as decoded:
        decoded.load()
    return data


FILES: dict[str, bytes] = {
    "image/jpeg": _image("JPEG"),
    "image/png": _image("PNG"),
    "image/gif": _image("GIF"),
    "image/webp": _image("WEBP"),
    "application/pdf": MINIMAL_PDF,
}


def _upload(name: str, data: bytes) -> tuple[str, bytes, int]:
    return describe_upload(data, name)


# --- sniff --------------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", sorted(FILES))
def test_it_sniffs_each_allowed_type_from_a_real_file(media_type: str) -> None:
    assert sniff(FILES[media_type][: uploads.HEAD_BYTES]) == media_type


@pytest.mark.parametrize(
    "head",
    [
        WINDOWS_EXE[:16],
        HTML_PAGE[:16],
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # a WAV file: RIFF, but not WebP
        b"RIFF",  # too short to tell
        b" %PDF-1.4",  # the header must come first
        b"\x89PNG\r\n",  # truncated signature
        b"GIF88a",
        b"",
    ],
)
def test_it_sniffs_nothing_from_other_content(head: bytes) -> None:
    assert sniff(head) is None


def test_it_allows_exactly_the_five_documented_types() -> None:
    assert set(ALLOWED) == set(FILES)


# --- check_upload -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("photo.jpg", "image/jpeg"),
        ("photo.jpeg", "image/jpeg"),
        ("IMG_0001.JPG", "image/jpeg"),
        ("路灯.png", "image/png"),
        ("anim.gif", "image/gif"),
        ("shot.webp", "image/webp"),
        ("投诉材料.PDF", "application/pdf"),
    ],
)
def test_it_accepts_a_real_file_with_a_matching_name(name: str, media_type: str) -> None:
    assert check_upload(*_upload(name, FILES[media_type])) is None


def test_it_reports_a_pdf_named_jpg_as_mislabelled() -> None:
    assert check_upload(*_upload("photo.jpg", MINIMAL_PDF)) == UploadProblem("mislabelled", "photo.jpg")


def test_it_reports_a_png_named_gif_as_mislabelled() -> None:
    assert check_upload(*_upload("anim.gif", FILES["image/png"])) == UploadProblem("mislabelled", "anim.gif")


@pytest.mark.parametrize("name", ["photo", "photo.", ".png", "photo.png.exe", "photo.jpg "])
def test_it_reports_a_name_without_the_right_extension_as_mislabelled(name: str) -> None:
    problem = check_upload(*_upload(name, FILES["image/png"]))
    assert problem is not None
    assert problem.code == "mislabelled"


def test_it_reports_a_windows_executable_named_png_as_unsupported() -> None:
    assert check_upload(*_upload("photo.png", WINDOWS_EXE)) == UploadProblem("unsupported", "photo.png")


def test_it_reports_an_html_page_named_pdf_as_unsupported() -> None:
    assert check_upload(*_upload("scan.pdf", HTML_PAGE)) == UploadProblem("unsupported", "scan.pdf")


def test_it_reports_an_empty_file() -> None:
    assert check_upload(*_upload("photo.jpg", b"")) == UploadProblem("empty", "photo.jpg")


def test_it_reports_a_file_over_the_size_limit() -> None:
    head = FILES["image/jpeg"][:16]
    assert check_upload("photo.jpg", head, 10 * MB + 1) == UploadProblem("too_large", "photo.jpg")


def test_it_accepts_a_file_of_exactly_the_size_limit() -> None:
    head = FILES["image/jpeg"][:16]
    assert check_upload("photo.jpg", head, 10 * MB) is None


def test_it_honours_a_custom_size_limit() -> None:
    problem = check_upload(*_upload("scan.pdf", MINIMAL_PDF), max_bytes=len(MINIMAL_PDF) - 1)
    assert problem == UploadProblem("too_large", "scan.pdf")


@pytest.mark.parametrize(
    "name",
    [
        "../x.jpg",
        "/etc/x.jpg",
        "dir\\x.jpg",
        "C:\\Users\\x.jpg",
        "a\x00.png",
        "a\nb.png",
        "photo\u202egnp.png",  # right-to-left override: displays with a false extension
        "",
        "   ",
        "..",
        "x" * 197 + ".png",  # 201 characters
    ],
)
def test_it_reports_a_bad_name(name: str) -> None:
    problem = check_upload(*_upload(name, FILES["image/png"]))
    assert problem is not None
    assert problem.code == "bad_name"


def test_it_accepts_a_name_of_exactly_200_characters() -> None:
    name = "x" * 196 + ".png"
    assert len(name) == 200
    assert check_upload(*_upload(name, FILES["image/png"])) is None


def test_it_checks_the_name_before_the_content() -> None:
    problem = check_upload(*_upload("../run.png", WINDOWS_EXE))
    assert problem is not None
    assert problem.code == "bad_name"


def test_it_shows_hidden_characters_and_long_names_safely_in_problems() -> None:
    problem = check_upload(*_upload("a\x00.png", FILES["image/png"]))
    assert problem == UploadProblem("bad_name", "a\ufffd.png")
    shown = display_name("长" * 300 + ".png")
    assert len(shown) == 60
    assert shown.endswith("…")
    assert display_name("路灯坏了.jpg") == "路灯坏了.jpg"


# --- check_uploads ------------------------------------------------------------------------------


def test_it_finds_no_problem_in_a_good_set_of_files() -> None:
    files = [
        _upload(f"file{index}{ALLOWED[kind][0]}", FILES[kind]) for index, kind in enumerate(sorted(FILES))
    ]
    assert check_uploads(files) == []


def test_it_reports_every_problem_in_the_order_of_the_files() -> None:
    files = [
        _upload("ok.png", FILES["image/png"]),
        _upload("photo.jpg", MINIMAL_PDF),
        _upload("empty.gif", b""),
        _upload("../x.jpg", FILES["image/jpeg"]),
    ]
    assert check_uploads(files) == [
        UploadProblem("mislabelled", "photo.jpg"),
        UploadProblem("empty", "empty.gif"),
        UploadProblem("bad_name", "../x.jpg"),
    ]


def test_it_reports_too_many_files_once_and_still_checks_the_first_ones() -> None:
    files = [_upload(f"p{index}.png", FILES["image/png"]) for index in range(7)]
    files[1] = _upload("p1.png", WINDOWS_EXE)
    files[6] = _upload("p6.png", WINDOWS_EXE)  # past the limit: not reported on its own
    assert check_uploads(files, max_files=5) == [
        UploadProblem("unsupported", "p1.png"),
        UploadProblem("too_many", "p5.png"),
    ]


def test_it_accepts_exactly_the_maximum_number_of_files() -> None:
    files = [_upload(f"p{index}.png", FILES["image/png"]) for index in range(3)]
    assert check_uploads(files, max_files=3) == []


def test_it_reports_a_total_over_the_limit_once_at_the_file_that_crosses_it() -> None:
    head = FILES["image/jpeg"][:16]
    files = [
        ("a.jpg", head, 4 * MB),
        ("b.jpg", head, 4 * MB),
        ("c.jpg", head, 4 * MB),
        ("d.jpg", head, 4 * MB),
    ]
    assert check_uploads(files, max_total=10 * MB) == [UploadProblem("total_too_large", "c.jpg")]


def test_it_passes_the_size_limit_to_each_file() -> None:
    head = FILES["image/jpeg"][:16]
    assert check_uploads([("a.jpg", head, 2 * MB)], max_bytes=1 * MB) == [UploadProblem("too_large", "a.jpg")]


# --- describe_upload ----------------------------------------------------------------------------


def test_it_describes_a_django_upload_and_rewinds_it() -> None:
    upload = SimpleUploadedFile("路灯.png", FILES["image/png"], content_type="text/plain")
    upload.read(5)
    name, head, size = describe_upload(upload)
    assert (name, head, size) == ("路灯.png", FILES["image/png"][:16], len(FILES["image/png"]))
    assert upload.read() == FILES["image/png"]


def test_it_describes_a_plain_file_object_without_a_size() -> None:
    stream = io.BytesIO(MINIMAL_PDF)
    assert describe_upload(stream, "scan.pdf") == ("scan.pdf", MINIMAL_PDF[:16], len(MINIMAL_PDF))
    assert stream.tell() == 0


def test_it_describes_bytes() -> None:
    assert describe_upload(b"%PDF-1.7 and more bytes", "a.pdf") == ("a.pdf", b"%PDF-1.7 and mor", 23)


def test_it_stays_free_of_django() -> None:
    # lib/ holds pure helpers shared by forms, imports and management commands (style guide).
    tree = ast.parse(Path(uploads.__file__).read_text(encoding="utf-8"))
    imported = [
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported
    assert not [name for name in imported if name.split(".")[0] == "django"]
