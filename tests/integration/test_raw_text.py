"""The raw-database scan finds a text in each form it can take at rest, in the client's rows only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, create_engine, insert
from sqlalchemy.types import JSON, Uuid

from integration.raw_text import RawTextScan

NAME, PHONE = "韩若曦", "13987654321"


def test_a_text_is_found_plain_escaped_and_in_blobs_of_the_clients_rows_only(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+pysqlite:///{tmp_path / 'raw.db'}")
    metadata = MetaData()
    notes = Table(
        "notes", metadata, Column("id", Integer, primary_key=True), Column("client_id", Uuid()),
        Column("text", Text()), Column("doc", JSON()), Column("blob", LargeBinary()), Column("code", String(20)),
    )  # fmt: skip
    users = Table("users", metadata, Column("id", Integer, primary_key=True), Column("name", String(40)))
    metadata.create_all(engine)
    ours, theirs = uuid4(), uuid4()
    with engine.begin() as c:
        c.execute(insert(users), [{"id": 1, "name": NAME}])  # there before the scan: not this test's row
    scan = RawTextScan(engine, [NAME, PHONE])
    assert scan.hits(ours) == []
    with engine.begin() as c:
        rows: list[tuple[int, UUID, dict[str, Any]]] = [
            (1, ours, {"text": f"代付{NAME}工资"}),
            (2, ours, {"doc": {"memo": f"联系{NAME}"}}),  # JSON stores it as \uXXXX escapes
            (3, ours, {"blob": f"x{NAME}y".encode()}),
            (4, ours, {"blob": json.dumps({"m": NAME}).encode()}),
            (5, ours, {"code": PHONE}),
            (6, theirs, {"text": NAME}),  # another client's row: not looked at
        ]
        for row_id, client_id, values in rows:
            c.execute(insert(notes).values(id=row_id, client_id=client_id, **values))
        c.execute(insert(users), [{"id": 2, "name": f"{NAME}2"}])  # new, and names no client: looked at
    found = {(h.table, h.row, h.form) for h in scan.hits(ours)}
    assert found == {
        ("notes", "1", "plain"),
        ("notes", "2", "json-escaped"),
        ("notes", "3", "utf-8 in blob"),
        ("notes", "4", "json-escaped in blob"),
        ("notes", "5", "plain"),
        ("users", "2", "plain"),
    }
    engine.dispose()
