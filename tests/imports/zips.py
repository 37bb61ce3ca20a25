"""Office zip files built in the tests: a real .xlsx with many rows, and zip bombs."""

import io
import zipfile

ROW = '<row><c t="inlineStr"><is><t>{given}</t></is></c><c t="inlineStr"><is><t>Muratbekova</t></is></c><c><v>2017</v></c><c><v>2019</v></c></row>'


def xlsx_with_rows(count, *, header=("given name", "family name", "start year", "end year"), unpacked_bytes=None):
    """A real .xlsx (made by openpyxl, then its sheet replaced) with ``count`` data rows written while compressing.

    With ``unpacked_bytes``, the sheet repeats its rows until it unpacks to that
    many bytes: a few MB on disk, hundreds once unpacked.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(header))
    made = io.BytesIO()
    book.save(made)
    out = io.BytesIO()
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            sheet = source.read(item).decode()
            head, _, tail = sheet.partition("<sheetData>")
            first_row, _, rest = tail.partition("</row>")
            with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
                stream.write(f"{head}<sheetData>{first_row}</row>".encode())
                written = 0
                names = ["Albina"] * 1000 if unpacked_bytes else [f"Given{i}" for i in range(1000)]
                chunk = "".join(ROW.format(given=name) for name in names).encode()
                wanted = unpacked_bytes or 0
                n = 0
                while n < count or written < wanted:
                    stream.write(chunk)
                    written += len(chunk)
                    n += 1000
                stream.write(b"</sheetData></worksheet>")
    return out.getvalue()


def zip_of(members, *, encrypted=False):
    """A zip of ``{name: bytes}``; with ``encrypted`` its members are flagged as password-protected."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = out.getvalue()
    if encrypted:
        # Set bit 0 of the general purpose flags in every local and central header.
        data = bytearray(data)
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (found := data.find(signature, start)) >= 0:
                data[found + offset] |= 0x01
                start = found + 4
        data = bytes(data)
    return data
