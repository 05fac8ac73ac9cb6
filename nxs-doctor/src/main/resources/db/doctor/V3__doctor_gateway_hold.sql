-- Why a service the Doctor supervises is held stopped (e.g. its sessions migrated to another
-- instance), so that a restart of the daemon does not start it again. One row per held service.
CREATE TABLE doctor_service_holds (
  service  TEXT    PRIMARY KEY,
  reason   TEXT    NOT NULL,
  held_at  INTEGER NOT NULL
);
