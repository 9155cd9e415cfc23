from . import crm_value_snapshot_backfill
