"""The one owner of the database: schema, rows, writer, migrations, generation counter, queries."""
