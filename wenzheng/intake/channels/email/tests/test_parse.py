"""parse.py and text.py on hand-written raw messages: Chinese charsets, MIME structure, replies, case numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from wenzheng.core import clock
from wenzheng.intake.channels.email.parse import (
    UnreadableEmail,
    case_number_pattern,
    decode_header_text,
    find_case_numbers,
    parse_email,
)
from wenzheng.intake.channels.email.tests.mails import JPEG, PDF, PNG_ICON, b64, crlf, simple, word
from wenzheng.intake.channels.email.text import cut_quoted, html_to_text

CST = timezone(timedelta(hours=8))


def test_it_decodes_a_gbk_subject_labelled_gb2312_and_the_sender_name():
    # 喆 and 镕 exist in GBK but not in GB2312; Chinese mailers label such text "GB2312" anyway.
    raw = crlf(
        f"From: {word('张三', 'GBK')} <zhangsan@example.cn>\n"
        f"Subject: {word('关于喆园小区', 'GB2312', encoding='gbk')}\n"
        f" {word('电梯故障（朱镕路）', 'GB2312', encoding='gbk')}\n"
        "Date: Mon, 02 Mar 2026 10:00:00 +0800\n"
        "Message-ID: <20260302100000.1@mail.example.cn>\n"
        "Content-Type: text/plain; charset=GB2312\n"
        "Content-Transfer-Encoding: base64\n"
        "\n" + b64("喆园小区三号楼电梯坏了。", "gbk") + "\n"
    )
    parsed = parse_email(raw)
    assert parsed.subject == "关于喆园小区电梯故障（朱镕路）"
    assert parsed.contact_name == "张三"
    assert parsed.contact_email == "zhangsan@example.cn"
    assert parsed.text == "喆园小区三号楼电梯坏了。"
    assert parsed.message_id == "20260302100000.1@mail.example.cn"
    assert parsed.key == parsed.message_id
    assert parsed.received_at == datetime(2026, 3, 2, 10, 0, tzinfo=CST)
    assert parsed.has_date


@pytest.mark.parametrize("charset", ["GB18030", "UTF-8", "gbk"])
def test_it_joins_encoded_words_that_split_a_character(charset):
    data = "噪音扰民".encode(charset)
    # Split inside the second character, as mailers that cut at a byte count do.
    first, second = data[:3], data[3:]
    import base64

    encoded = " ".join(f"=?{charset}?B?{base64.b64encode(part).decode()}?=" for part in (first, second))
    assert decode_header_text(encoded) == "噪音扰民"


def test_it_reads_raw_8bit_headers_without_encoded_words():
    raw = (
        b"From: \xd5\xc5\xc8\xfd <zs@example.cn>\r\n"  # 张三 in raw GBK
        b"Subject: \xcd\xa3\xb3\xb5\xb3\xa1\r\n"  # 停车场 in raw GBK
        b"Message-ID: <raw@example.cn>\r\n\r\n"
        b"\xcd\xa3\xb3\xb5\xb3\xa1\xc2\xfa\xc1\xcb\r\n"  # 停车场满了, no charset declared
    )
    parsed = parse_email(raw)
    assert parsed.subject == "停车场"
    assert parsed.contact_name == "张三"
    assert parsed.text == "停车场满了"


def test_it_prefers_the_plain_text_and_keeps_the_image_attachment():
    raw = crlf(
        "From: =?UTF-8?B?5p2O5Zub?= <lisi@example.cn>\n"
        "To: intake@city.example.gov.cn\n"
        "Subject: =?UTF-8?B?6Lev54Gv5LiN5Lqu?=\n"  # 路灯不亮
        "Date: Tue, 03 Mar 2026 21:15:00 +0800\n"
        "Message-ID: <photo-1@example.cn>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="outer"\n'
        "\n"
        "--outer\n"
        'Content-Type: multipart/alternative; boundary="alt"\n'
        "\n"
        "--alt\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n"
        "\n" + b64("人民路的路灯坏了，见附件照片。") + "\n"
        "--alt\n"
        "Content-Type: text/html; charset=utf-8\n"
        "\n"
        "<html><body><p><b>HTML version</b> should not be used</p></body></html>\n"
        "--alt--\n"
        "--outer\n"
        "Content-Type: image/jpeg\n"
        "Content-Disposition: attachment; filename*=GBK''%C2%B7%B5%C6.jpg\n"  # 路灯.jpg
        "Content-Transfer-Encoding: base64\n"
        "\n" + b64(JPEG) + "\n"
        "--outer--\n"
    )
    parsed = parse_email(raw)
    assert parsed.subject == "路灯不亮"
    assert parsed.contact_name == "李四"
    assert parsed.text == "人民路的路灯坏了，见附件照片。"
    assert [(a.name, a.content_type, a.content, a.inline) for a in parsed.attachments] == [
        ("路灯.jpg", "image/jpeg", JPEG, False)
    ]


def test_it_turns_an_html_only_mail_into_text_without_any_markup():
    html = (
        "<html><head><title>t</title><style>p{color:red}</style>"
        "<script>alert('x')</script></head><body>"
        "<p>井盖&nbsp;丢失&lt;危险&gt;</p><div>地点：<b>建设路</b><br>时间：昨晚</div>"
        "<img src=x onerror=alert(1)><ul><li>一</li><li>二</li></ul>"
        "<!-- comment --></body></html>"
    )
    raw = crlf(
        "From: w@example.cn\nSubject: html\nMessage-ID: <h@example.cn>\n"
        "Content-Type: text/html; charset=gb18030\nContent-Transfer-Encoding: base64\n\n"
        + b64(html, "gb18030")
        + "\n"
    )
    text = parse_email(raw).text
    assert text == "井盖 丢失<危险>\n\n地点：建设路\n时间：昨晚\n- 一\n- 二"
    assert "alert" not in text
    assert "color" not in text


def test_it_reads_the_body_after_a_head_that_was_never_closed():
    assert html_to_text("<html><head><title>通知</title><body><p>正文</p></body></html>") == "正文"


def test_it_marks_html_blockquotes_as_quoted_and_cuts_them_from_a_reply():
    text = html_to_text(
        '<div dir="ltr">补充：漏水更严重了。</div><div class="gmail_quote">'
        "<div>在 2026年3月2日周一 10:00，受理中心 写道：</div>"
        "<blockquote><p>您的留言已受理。</p></blockquote></div>"
    )
    assert text.split("\n")[-1] == "> 您的留言已受理。"
    assert cut_quoted(text) == "补充：漏水更严重了。"


def test_it_skips_tiny_inline_images_and_signatures_but_keeps_inline_photos():
    raw = crlf(
        "From: a@example.cn\nSubject: inline\nMessage-ID: <inline@example.cn>\n"
        'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="s"\n\n'
        "--s\n"
        'Content-Type: multipart/related; boundary="r"\n\n'
        "--r\nContent-Type: text/html; charset=utf-8\n\n"
        '<p>见图</p><img src="cid:logo"><img src="cid:photo">\n'
        "--r\nContent-Type: image/png\nContent-ID: <logo>\nContent-Transfer-Encoding: base64\n\n"
        + b64(PNG_ICON)
        + "\n--r\nContent-Type: image/jpeg\nContent-ID: <photo>\nContent-Transfer-Encoding: base64\n\n"
        + b64(JPEG)
        + "\n--r--\n"
        "--s\nContent-Type: application/pkcs7-signature; name=smime.p7s\n"
        "Content-Disposition: attachment; filename=smime.p7s\nContent-Transfer-Encoding: base64\n\n"
        + b64(b"0" * 2000)
        + "\n--s--\n"
    )
    parsed = parse_email(raw)
    assert parsed.text == "见图"
    assert [(a.name, a.content_type, a.inline) for a in parsed.attachments] == [
        ("attachment-1.jpg", "image/jpeg", True)
    ]


def test_it_decodes_attachment_names_and_never_keeps_a_path():
    raw = crlf(
        "From: a@example.cn\nSubject: files\nMessage-ID: <files@example.cn>\n"
        'Content-Type: multipart/mixed; boundary="m"\n\n'
        "--m\nContent-Type: text/plain; charset=utf-8\n\nsee files\n"
        f'--m\nContent-Type: application/pdf; name="{word("整改报告.pdf", "GB2312", encoding="gbk")}"\n'
        "Content-Disposition: attachment\nContent-Transfer-Encoding: base64\n\n" + b64(PDF) + "\n"
        '--m\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="..\\\\..\\\\etc\\\\passwd.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n" + b64(PDF) + "\n"
        "--m\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=notes.txt\n\n"
        "a text file\n--m--\n"
    )
    names = [a.name for a in parse_email(raw).attachments]
    assert names == ["整改报告.pdf", "passwd.pdf", "notes.txt"]


def test_it_reads_a_body_declared_in_the_wrong_charset():
    raw = (
        b"From: a@example.cn\r\nSubject: x\r\nMessage-ID: <cs@example.cn>\r\n"
        b"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "暖气不热\x00".encode()
        + b"\r\n"
    )
    assert parse_email(raw).text == "暖气不热"  # and no NUL, which PostgreSQL refuses


@pytest.mark.parametrize(
    ("body", "added"),
    [
        ("补充照片。\n\n> 您的留言已受理。\n> 编号 WZ-2026-000123\n", "补充照片。"),
        (
            "还是没有修好。\n\n在 2026年3月2日 10:00，市网络问政受理中心 写道：\n您的留言已受理。\n",
            "还是没有修好。",
        ),
        (
            "张三 <zhangsan@example.cn> 于2026年3月2日周一 10:00写道：\n> 原文\n",
            "",
        ),
        (
            "好的，谢谢。\n\n------------------ 原始邮件 ------------------\n发件人: 受理中心\n旧文本\n",
            "好的，谢谢。",
        ),
        ("收到\n-----Original Message-----\nFrom: intake\nold text\n", "收到"),
        (
            "Thanks.\n\nOn Mon, 2 Mar 2026 at 10:00, Intake <intake@city.example.gov.cn> wrote:\n> old\n",
            "Thanks.",
        ),
        (
            "Thanks.\n\nOn Mon, 2 Mar 2026 at 10:00, Intake <\nintake@city.example.gov.cn> wrote:\n> old\n",
            "Thanks.",
        ),
        (
            "已经修好了。\n\n________________________________\n发件人: 受理中心\n发送时间: 2026年3月2日 10:00\n旧文本\n",
            "已经修好了。",
        ),
        ("第一点：电梯\n> 引用一\n第二点：楼道灯\n> 引用二\n", "第一点：电梯\n第二点：楼道灯"),
    ],
)
def test_it_cuts_the_quoted_earlier_mail_from_a_reply(body, added):
    parsed = parse_email(simple(subject="Re: 留言", body=body))
    assert parsed.new_text == added
    assert parsed.text == body.strip()  # the whole text is kept for a new case


def test_it_keeps_a_line_that_only_mentions_someone_writing():
    body = "他在信中写道，问题已解决，但实际没有。"
    assert cut_quoted(body) == body


@pytest.mark.parametrize(
    ("subject", "numbers"),
    [
        ("回复：关于电梯故障 [WZ-2026-000123]", ("WZ-2026-000123",)),
        ("Re: WZ-2026-000123 and wz-2025-000007", ("WZ-2026-000123", "WZ-2025-000007")),
        ("补充 ＷＺ－２０２６－０００１２３", ("WZ-2026-000123",)),  # full-width, from an input method
        ("XWZ-2026-0001234X", ()),
        ("电话 0731-2026-1234", ()),
    ],
)
def test_it_finds_case_numbers_in_the_subject(subject, numbers):
    assert parse_email(simple(subject=subject)).case_numbers == numbers


def test_it_follows_a_configured_number_format():
    pattern = case_number_pattern("{year}{prefix}{seq:05d}")
    assert find_case_numbers("关于 2026QL00042 的补充", pattern) == ("2026QL00042",)


def test_it_reads_in_reply_to_and_references_newest_first():
    raw = simple(
        extra_headers=(
            "In-Reply-To: <ack-3@wenzheng.example.gov.cn>\n"
            "References: <m1@example.cn>\n <ack-2@wenzheng.example.gov.cn> <ack-3@wenzheng.example.gov.cn>\n"
        )
    )
    assert parse_email(raw).references == (
        "ack-3@wenzheng.example.gov.cn",
        "ack-2@wenzheng.example.gov.cn",
        "m1@example.cn",
    )


def test_it_identifies_a_mail_without_message_id_by_its_bytes_and_hashes_long_ids():
    raw = simple(message_id="")
    assert parse_email(raw).key.startswith("sha256:")
    assert parse_email(raw).key == parse_email(raw).key
    long_id = "<" + "x" * 300 + "@example.cn>"
    key = parse_email(simple(message_id=long_id)).key
    assert key.startswith("sha256:")
    assert len(key) == 71


def test_it_falls_back_to_now_without_a_usable_date():
    moment = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    with clock.frozen_at(moment):
        assert parse_email(simple(date="")).received_at == moment
        assert not parse_email(simple(date="yesterday, after lunch")).has_date
        assert parse_email(simple(date="yesterday, after lunch")).received_at == moment
    naive = parse_email(simple(date="Thu, 05 Mar 2026 01:00:00 -0000")).received_at
    assert naive == datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied\n",
        "Precedence: bulk\n",
        "X-Autoreply: yes\n",
    ],
)
def test_it_recognises_automatic_replies(headers):
    assert parse_email(simple(extra_headers=headers)).is_automatic
    assert not parse_email(simple(extra_headers="Auto-Submitted: no\n")).is_automatic


def test_it_recognises_a_bounce():
    raw = crlf(
        "From: MAILER-DAEMON@mx.example.cn\nSubject: Undelivered Mail\nMessage-ID: <b@mx>\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
        "--r\nContent-Type: text/plain\n\nfailed\n--r--\n"
    )
    assert parse_email(raw).is_automatic


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"this is not an email at all\n", b"\x00\x01\x02garbage"])
def test_it_refuses_input_that_is_not_an_email(raw):
    with pytest.raises(UnreadableEmail):
        parse_email(raw)
