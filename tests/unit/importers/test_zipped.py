"""Zip containers (XLSX, zipped CAMT.053) are checked before anything unpacks them; past a limit, refused by name."""

from __future__ import annotations

import io
import zipfile

import pytest

from hezhang.importers import parse_bank, zipped
from hezhang.importers.grid import head_text

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sheet(cells: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><sheetData>{cells}</sheetData></worksheet>'
    ).encode()


def test_a_workbook_that_unpacks_past_the_limit_is_refused_naming_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipped, "MAX_UNZIPPED_BYTES", 1 << 20)  # the same check as at 1 GiB, on a small file
    bomb = _zip({"[Content_Types].xml": _CONTENT_TYPES.encode(), "xl/worksheets/sheet1.xml": b" " * (4 << 20)})
    assert len(bomb) < 64 * 1024
    result = parse_bank(bomb, "bomb.xlsx")

    (problem,) = result.problems
    assert "1 MiB" in problem.message_en and "zip bomb" in problem.message_en and "上限" in problem.message_zh


def test_a_member_whose_declared_size_lies_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipped, "MAX_UNZIPPED_BYTES", 1 << 20)
    data = bytearray(_zip({"xl/worksheets/sheet1.xml": b"0" * (3 << 20)}))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # write 16 bytes as the uncompressed size, in both headers
        at = data.find(header)
        size_at = at + (22 if header == b"PK\x03\x04" else 24)
        data[size_at : size_at + 4] = (16).to_bytes(4, "little")
    with pytest.raises(zipped.ZipLimitError, match="damaged"):  # inflated past its declared size: a CRC mismatch
        zipped.check(bytes(data), "XLSX")
    result = parse_bank(bytes(data), "lying.xlsx")
    assert not result.ok and "damaged" in result.problems[0].message_en


def test_a_tiny_workbook_declaring_a_vast_sheet_is_refused_before_it_is_allocated() -> None:
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>交易日期</t></is></c></row>'
    cells += '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    data = _zip({"[Content_Types].xml": _CONTENT_TYPES.encode(), "xl/worksheets/sheet1.xml": _sheet(cells)})
    assert head_text(data) is None  # detection does not touch it either
    result = parse_bank(data, "vast.xlsx")

    (problem,) = result.problems
    assert "1048576 rows × 16384 columns" in problem.message_en and f"{zipped.MAX_SHEET_CELLS:,}" in problem.message_en


_CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M{n}</MsgId><CreDtTm>2026-10-0{n}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S{n}</Id><CreDtTm>2026-10-0{n}T18:00:00</CreDtTm>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>2026-10-0{n}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>2026-10-0{n}</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-10-0{n}</Dt></BookgDt>
<ValDt><Dt>2026-10-0{n}</Dt></ValDt><BkTxCd><Prtry><Cd>TRF</Cd></Prtry></BkTxCd></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def test_a_zip_of_camt053_statements_is_read_as_one_file() -> None:
    data = _zip({
        "2026-10-02.xml": _CAMT.format(n=2, opening="110.00", closing="120.00").encode(),
        "2026-10-01.xml": _CAMT.format(n=1, opening="100.00", closing="110.00").encode(),
        "readme.txt": b"statements",
    })  # fmt: skip
    result = parse_bank(data, "october.zip")

    assert result.ok, result.problems
    assert result.meta.format == "camt053" and len(result.lines) == 2 and result.meta.gaps == ()
    assert (result.meta.opening_balance.fen, result.meta.closing_balance.fen) == (10000, 12000)  # type: ignore[union-attr]


def test_a_zip_without_a_statement_says_it_is_a_zip() -> None:
    result = parse_bank(_zip({"notes.txt": b"nothing here"}), "other.zip")

    (problem,) = result.problems
    assert "zip" in problem.message_en and "ZIP" in problem.message_zh


def test_a_wide_sheet_within_the_limit_is_counted_exactly_and_passes() -> None:
    cells = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="AD{r}"><v>2</v></c></row>' for r in (1, 2, 150000))
    data = _zip({"xl/worksheets/sheet1.xml": _sheet(cells)})
    zipped.check(data, "XLSX")  # 150,000 rows × 30 columns = 4.5 million cells: within the limit
