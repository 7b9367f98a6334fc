"""On PostgreSQL, the database itself refuses to change or delete a dossier event."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION motcua_refuse_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dossier events are append-only (%% on dossiers_dossierevent)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dossiers_dossierevent_append_only
    BEFORE UPDATE OR DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION motcua_refuse_event_change();
"""
DROP = """
DROP TRIGGER IF EXISTS dossiers_dossierevent_append_only ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS motcua_refuse_event_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
