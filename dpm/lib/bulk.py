"""Bulk writes whose cost grows linearly with the rows, for the recompute and the sweep.

Django's `bulk_update` writes one `UPDATE … SET col = CASE WHEN id = 1 THEN … WHEN id = 2 …`: each
row is found by walking the CASE, so a statement of n rows costs n² comparisons, and PostgreSQL's
JIT then compiles the giant expression (20,000 items took more than 26 minutes, holding every
row's lock meanwhile; issue 12). `update_rows` writes `UPDATE … FROM (VALUES …)` instead, which
PostgreSQL joins by hash, in batches of a fixed size so the memory and the time of one statement
stay bounded and row locks are held briefly.

It can also make the write conditional: `expect` names columns whose current value must still be
the one the caller read (compare-and-set). A row that someone else changed in the meantime is left
alone, and the ids actually written come back, so history is recorded only for them.

SQLite (the embedded default) has neither VALUES column lists nor server-side types, and runs in
the same process: there each row is one short UPDATE, which is linear too.
"""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

# Rows per statement. At 5,000 rows one UPDATE of item scores takes ~0.1 s on PostgreSQL and its
# parameters ~2 MB of memory; the count of statements grows by one per 5,000 rows.
BATCH_SIZE = 5000


def batched(rows: Iterable, size: int):
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def update_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    expect: Sequence[str] = (),
    where: str = "",
    where_params: Sequence[Any] = (),
    batch_size: int = BATCH_SIZE,
) -> list[int]:
    """Set `fields` of each row: `rows` are tuples (pk, *new values of fields, *expected values of
    `expect`). A row is written only while each `expect` column still holds its expected value
    (NULL matches NULL) and the optional raw SQL condition `where` holds; `where` names the
    updated table as `{t}`. Returns the primary keys written."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    expected = [meta.get_field(name) for name in expect]
    if connection.vendor == "postgresql":
        return _update_postgres(meta, columns, expected, rows, where, where_params, batch_size)
    return _update_one_by_one(meta, columns, expected, rows, where, where_params)


def _prep(field, value):
    return field.get_db_prep_save(value, connection)


def _update_postgres(meta, columns, expected, rows, where, where_params, batch_size) -> list[int]:
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    every = [meta.pk, *columns, *expected]
    names = ["pk", *(f"new_{f.column}" for f in columns), *(f"old_{f.column}" for f in expected)]
    casts = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in every)
    assignments = ", ".join(f"{qn(f.column)} = v.{qn(f'new_{f.column}')}" for f in columns)
    conditions = [f"t.{pk} = v.pk"]
    conditions += [
        f"t.{qn(f.column)} IS NOT DISTINCT FROM v.{qn(f'old_{f.column}')}" for f in expected
    ]
    if where:
        conditions.append(f"({where.format(t='t')})")
    matched = " AND ".join(conditions)
    written: list[int] = []
    with connection.cursor() as cursor:
        for batch in batched(sorted(rows, key=lambda row: row[0]), batch_size):
            values = ", ".join(f"({casts})" for _ in batch)
            params = [_prep(f, value) for row in batch for f, value in zip(every, row, strict=True)]
            # The rows are locked in key order before they are written (ORDER BY … FOR UPDATE
            # locks as it sorts): every writer that goes through here takes its locks in the same
            # order, so two of them can wait for each other but never deadlock.
            cursor.execute(
                f"WITH v({', '.join(qn(n) for n in names)}) AS (VALUES {values}), "
                f"locked AS (SELECT t.{pk} FROM {table} AS t JOIN v ON t.{pk} = v.pk "
                f"ORDER BY t.{pk} FOR UPDATE OF t) "
                f"UPDATE {table} AS t SET {assignments} FROM v "
                f"WHERE {matched} AND t.{pk} IN (SELECT {pk} FROM locked) RETURNING t.{pk}",
                [*params, *where_params],
            )
            written.extend(row[0] for row in cursor.fetchall())
    return written


def _update_one_by_one(meta, columns, expected, rows, where, where_params) -> list[int]:
    qn = connection.ops.quote_name
    pk = meta.pk
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)
    conditions = [f"{qn(pk.column)} = %s"]
    conditions += [f"{qn(f.column)} IS %s" for f in expected]
    if where:
        conditions.append(f"({where.format(t=qn(meta.db_table))})")
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {' AND '.join(conditions)}"
    written: list[int] = []
    with connection.cursor() as cursor:
        for row in rows:
            key, new, old = row[0], row[1 : 1 + len(columns)], row[1 + len(columns) :]
            params = [_prep(f, v) for f, v in zip(columns, new, strict=True)]
            params.append(_prep(pk, key))
            params += [_prep(f, v) for f, v in zip(expected, old, strict=True)]
            cursor.execute(sql, [*params, *where_params])
            if cursor.rowcount:
                written.append(key)
    return written
