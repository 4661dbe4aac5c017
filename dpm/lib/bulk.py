"""Bulk writes whose cost grows linearly with the rows, for the recompute and the sweep.

Django's `bulk_update` writes one `UPDATE … SET col = CASE WHEN id = 1 THEN … WHEN id = 2 …`: each
row is found by walking the CASE, so a statement of n rows costs n² comparisons, and PostgreSQL's
JIT then compiles the giant expression (20,000 items took more than 26 minutes, holding every
row's lock meanwhile; issue 12). `update_rows` writes `UPDATE … FROM unnest(arrays)` instead,
which PostgreSQL joins by hash, in batches of a fixed size so the memory and the time of one
statement stay bounded and row locks are held briefly.

It can also make the write conditional: `expect` names columns whose current value must still be
the one the caller read (compare-and-set). A row that someone else changed in the meantime is left
alone, and the ids actually written come back, so history is recorded only for them.

On PostgreSQL the parameters travel bound (server-side binding), one array per column, rather
than quoted into the SQL text: Django's psycopg cursor binds on the client, which escapes every
string through a regular expression, and a statement of 25,000 placeholders costs psycopg more to
parse than PostgreSQL to run; both cost more than the statement itself.

SQLite (the embedded default) has neither VALUES column lists nor server-side types, and runs in
the same process: there each row is one short UPDATE, which is linear too.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
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


# Values psycopg adapts as they are: Django's per-field preparation (its checks, and for
# datetimes the time zone warnings) cost more than the write for 100,000 rows.
_PLAIN = (int, float, str, bool, Decimal)


def _prep(field, value):
    if connection.vendor != "postgresql":
        return field.get_db_prep_save(value, connection)
    if value is None or (type(value) in _PLAIN and not isinstance(field, models.JSONField)):
        return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(field, models.JSONField):
        return connection.ops.adapt_json_value(value, field.encoder)
    return field.get_db_prep_save(value, connection)


def _bound_cursor():
    """A cursor of the current connection that binds parameters on the server, wrapped like
    Django's own (statements still show in connection.queries and CaptureQueriesContext)."""
    import psycopg

    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.Cursor(connection.connection))


def _columns_as_arrays(fields, batch) -> list[list]:
    """One array parameter per column: a statement of five parameters whatever the rows, so
    neither its text nor its parsing grows with the batch."""
    return [[_prep(f, row[n]) for row in batch] for n, f in enumerate(fields)]


def _unnest(fields) -> str:
    return ", ".join(f"%b::{f.cast_db_type(connection)}[]" for f in fields)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
                *, batch_size: int = BATCH_SIZE) -> int:  # fmt: skip
    """INSERT `rows` (tuples of `fields`' values, pre-save hooks such as auto_now not applied) in
    batches; returns how many rows. `INSERT … SELECT FROM unnest(arrays)` on PostgreSQL,
    `bulk_create` elsewhere."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return len(objs)
    qn = connection.ops.quote_name
    names = ", ".join(qn(f.column) for f in columns)
    count = 0
    with _bound_cursor() as cursor:
        for batch in batched(rows, batch_size):
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({names}) "
                f"SELECT * FROM unnest({_unnest(columns)})",
                _columns_as_arrays(columns, batch),
            )
            count += len(batch)
    return count


def _update_postgres(meta, columns, expected, rows, where, where_params, batch_size) -> list[int]:
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    every = [meta.pk, *columns, *expected]
    names = ["pk", *(f"new_{f.column}" for f in columns), *(f"old_{f.column}" for f in expected)]
    assignments = ", ".join(f"{qn(f.column)} = v.{qn(f'new_{f.column}')}" for f in columns)
    conditions = [f"t.{pk} = v.pk"]
    conditions += [
        f"t.{qn(f.column)} IS NOT DISTINCT FROM v.{qn(f'old_{f.column}')}" for f in expected
    ]
    if where:
        conditions.append(f"({where.format(t='t')})")
    # The rows are locked in key order before they are written (ORDER BY … FOR UPDATE locks as
    # it sorts): every writer that goes through here takes its locks in the same order, so two
    # of them can wait for each other but never deadlock.
    sql = (
        f"WITH v({', '.join(qn(n) for n in names)}) AS "
        f"(SELECT * FROM unnest({_unnest(every)})), "
        f"locked AS (SELECT t.{pk} FROM {table} AS t JOIN v ON t.{pk} = v.pk "
        f"ORDER BY t.{pk} FOR UPDATE OF t) "
        f"UPDATE {table} AS t SET {assignments} FROM v "
        f"WHERE {' AND '.join(conditions)} AND t.{pk} IN (SELECT {pk} FROM locked) "
        f"RETURNING t.{pk}"
    )
    written: list[int] = []
    with _bound_cursor() as cursor:
        for batch in batched(sorted(rows, key=lambda row: row[0]), batch_size):
            cursor.execute(sql, [*_columns_as_arrays(every, batch), *where_params])
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
