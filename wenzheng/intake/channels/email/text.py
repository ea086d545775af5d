"""Plain text of an email: HTML turned into text safely, and the quoted earlier mail cut from a reply.

Pure string functions, no ``email`` objects (see parse.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    }
)
_SKIPPED_TAGS = frozenset(
    {"head", "script", "style", "title", "noscript", "template", "svg", "math", "object", "iframe"}
)
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"})


class _TextExtractor(HTMLParser):
    """HTML to plain text. Nothing of the markup survives: scripts and styles are dropped with their
    content, every other tag is removed, entities are decoded. Quoted mail (``<blockquote>``) is
    marked with "> " so that it is cut like quoted plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str, bool]] = []  # (quote depth, text, preformatted)
        self._current: list[str] = []
        self._depth = 0
        self._skipping: list[str] = []
        self._pre = 0

    def _break(self, *, force: bool = False) -> None:
        text = "".join(self._current)
        if text.strip() or force:
            self.lines.append((self._depth, text, self._pre > 0))
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            if tag == "body" and self._skipping[0] == "head":
                self._skipping.clear()  # a <head> that was never closed
            else:
                if tag == self._skipping[-1] and tag not in _VOID_TAGS:
                    self._skipping.append(tag)
                return
        if tag in _SKIPPED_TAGS:
            self._skipping.append(tag)
            return
        if tag == "br":
            self._break(force=True)
        elif tag in _BLOCK_TAGS:
            self._break()
        if tag == "blockquote":
            self._depth += 1
        elif tag == "pre":
            self._pre += 1
        elif tag in {"td", "th"}:
            self._current.append(" ")
        elif tag == "li":
            self._current.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        if tag in _BLOCK_TAGS and tag != "br":
            self._break()
        if tag == "blockquote":
            self._depth = max(0, self._depth - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "p":
            self.lines.append((self._depth, "", False))  # a paragraph ends with an empty line

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._pre:
            for index, line in enumerate(data.split("\n")):
                if index:
                    self._break(force=True)
                self._current.append(line)
            return
        self._current.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        self._break()
        out = []
        for depth, line, preformatted in self.lines:
            line = line.rstrip() if preformatted else line.strip()
            out.append(("> " * depth + line).rstrip() if line else "")
        return "\n".join(out)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return tidy(extractor.text())


def tidy(text: str) -> str:
    """Normalise line ends and spaces; at most one empty line in a row; no blank start or end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u3000", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    tidied: list[str] = []
    for line in lines:
        if not line and (not tidied or not tidied[-1]):
            continue
        tidied.append(line)
    return "\n".join(tidied).strip("\n")


# Where the earlier mail starts in a reply: everything from there on is cut.
_SEPARATORS = [
    # Outlook, Foxmail, QQ Mail: "-----原始邮件-----", "------------------ 原始邮件 ------------------"
    re.compile(r"^\s*-{2,}\s*(原始邮件|原邮件|原始郵件|Original Message|Original Email)\s*-{2,}\s*$", re.I),
    # "在 2026年3月1日 10:00，张三 写道：", Gmail "张三 <a@b.cn> 于2026年3月1日周日 10:00写道："
    re.compile(r"^\s*(在|於|于).{0,200}(写道|寫道)\s*[:：]\s*$"),
    re.compile(r"^.{0,200}\s于\s*\d{4}年.{0,80}(写道|寫道)\s*[:：]\s*$"),
    re.compile(r"^\s*On\s.{0,300}\swrote\s*:\s*$", re.I),
    # A dashed or underlined rule directly above a "From:" block (Outlook)
    re.compile(r"^\s*_{10,}\s*$"),
]
_HEADER_BLOCK_START = re.compile(r"^\s*\**\s*(发件人|發件人|寄件者|From)\s*\**\s*[:：]", re.I)
_HEADER_BLOCK_NEXT = re.compile(
    r"^\s*\**\s*(发送时间|發送時間|寄件日期|日期|时间|Sent|Date|收件人|To)\s*\**\s*[:：]", re.I
)


def _starts_earlier_mail(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _SEPARATORS[-1].match(line):
        following = [text for text in lines[index + 1 : index + 3] if text.strip()]
        return bool(following) and bool(_HEADER_BLOCK_START.match(following[0]))
    if any(pattern.match(line) for pattern in _SEPARATORS[:-1]):
        return True
    # Gmail wraps a long attribution: "On Mon, 2 Mar 2026 at 10:00, 张三 <" / "zs@example.cn> wrote:"
    if index + 1 < len(lines) and re.match(r"^\s*(On\s|在)", line):
        joined = f"{line} {lines[index + 1]}"
        if any(pattern.match(joined) for pattern in _SEPARATORS[1:4]):
            return True
    if _HEADER_BLOCK_START.match(line):
        following = [text for text in lines[index + 1 : index + 4] if text.strip()]
        return any(_HEADER_BLOCK_NEXT.match(text) for text in following)
    return False


def cut_quoted(text: str) -> str:
    """What a reply adds: the text without the earlier mail it quotes ("> …", "在 … 写道：",
    "-----原始邮件-----", "On … wrote:", an Outlook "发件人：/发送时间：" block)."""
    lines = text.split("\n")
    for index in range(len(lines)):
        if _starts_earlier_mail(lines, index):
            lines = lines[:index]
            break
    kept = [line for line in lines if not line.lstrip().startswith((">", "＞"))]
    return tidy("\n".join(kept))
