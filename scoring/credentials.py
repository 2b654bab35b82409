"""The trainer's passphrase and the trainees' PINs: kept only as salted scrypt hashes.

What is stored of a secret is a random salt, its scrypt hash and the scrypt parameters;
a secret given is hashed the same way and compared in constant time. A PIN locks after
``PIN_MAX_FAILURES`` wrong tries in a row, until a trainer sets a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import unicodedata
from dataclasses import dataclass

import sqlite_utils

from scoring.records import RecordsError, Trainee, canonical_json, write_transaction

# OWASP's scrypt setting (N=2^15, r=8, p=3): about 0.2 s and 32 MiB per hash.
SCRYPT_PARAMETERS = {"n": 2**15, "r": 8, "p": 3, "dklen": 32}
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024  # refuses parameters a tampered database might hold
SALT_BYTES = 16
PASSPHRASE_MIN_LENGTH = 8
PIN_PATTERN = re.compile(r"[0-9]{4,12}")
PIN_MAX_FAILURES = 5  # then the PIN is locked until a trainer sets a new one


# Hashing

@dataclass(frozen=True)
class SecretHash:
    """What is stored of a secret: never the secret itself."""

    salt: bytes
    digest: bytes
    parameters: dict[str, int]


def _scrypt(secret: str, salt: bytes, parameters: dict[str, int]) -> bytes:
    # NFC: the same passphrase typed through different input methods hashes the same.
    normalized = unicodedata.normalize("NFC", secret).encode("utf-8")
    try:
        return hashlib.scrypt(normalized, salt=salt, n=parameters["n"], r=parameters["r"], p=parameters["p"],
                              dklen=parameters["dklen"], maxmem=SCRYPT_MAX_MEMORY)
    except (KeyError, TypeError, ValueError) as error:
        raise RecordsError("credential_damaged", error=str(error)) from None


def hash_secret(secret: str, parameters: dict[str, int] | None = None) -> SecretHash:
    """A fresh random salt and the scrypt hash of ``secret`` under it."""
    parameters = dict(parameters or SCRYPT_PARAMETERS)
    salt = os.urandom(SALT_BYTES)
    return SecretHash(salt, _scrypt(secret, salt, parameters), parameters)


def verify_secret(secret: str, stored: SecretHash) -> bool:
    """Whether ``secret`` hashes to ``stored``, compared in constant time."""
    return hmac.compare_digest(_scrypt(secret, stored.salt, stored.parameters), stored.digest)


def _stored(row: tuple) -> SecretHash:
    return SecretHash(bytes(row[0]), bytes(row[1]), json.loads(row[2]))


# The passphrase

def passphrase_is_set(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM trainer_passphrase WHERE id = 1").fetchone() is not None


def check_passphrase_rules(passphrase: str) -> None:
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise RecordsError("passphrase_too_short", minimum=PASSPHRASE_MIN_LENGTH)


def verify_passphrase(db: sqlite_utils.Database, passphrase: str) -> None:
    row = db.execute("SELECT salt, hash, parameters FROM trainer_passphrase WHERE id = 1").fetchone()
    if row is None:
        raise RecordsError("no_passphrase")
    if not verify_secret(passphrase, _stored(row)):
        raise RecordsError("wrong_passphrase")


def save_passphrase(db: sqlite_utils.Database, stored: SecretHash, at: str) -> None:
    """Inside the caller's transaction, which also writes the audit line."""
    db.execute("INSERT OR REPLACE INTO trainer_passphrase (id, salt, hash, parameters, set_at) VALUES (1, ?, ?, ?, ?)",
               [stored.salt, stored.digest, canonical_json(stored.parameters), at])


# Trainee PINs

def trainee_has_pin(db: sqlite_utils.Database, trainee: Trainee) -> bool:
    return db.execute("SELECT 1 FROM trainee_pins WHERE trainee_id = ?", [trainee.id]).fetchone() is not None


def save_pin(db: sqlite_utils.Database, trainee: Trainee, stored: SecretHash, at: str) -> None:
    """A new PIN, with no wrong tries yet; inside the caller's transaction, which also writes the audit line."""
    db.execute("INSERT OR REPLACE INTO trainee_pins (trainee_id, salt, hash, parameters, set_at, failures) VALUES (?, ?, ?, ?, ?, 0)",
               [trainee.id, stored.salt, stored.digest, canonical_json(stored.parameters), at])


def check_pin_rules(pin: str) -> None:
    if not PIN_PATTERN.fullmatch(pin):
        raise RecordsError("pin_invalid")


def verify_pin(db: sqlite_utils.Database, trainee: Trainee, pin: str) -> None:
    """Raise unless ``pin`` is the trainee's PIN; after PIN_MAX_FAILURES wrong ones it is locked."""
    row = db.execute("SELECT salt, hash, parameters, failures FROM trainee_pins WHERE trainee_id = ?", [trainee.id]).fetchone()
    if row is None:
        raise RecordsError("no_pin", name=trainee.name)
    if row[3] >= PIN_MAX_FAILURES:
        raise RecordsError("pin_locked", name=trainee.name)
    right = verify_secret(pin, _stored(row))
    with write_transaction(db):
        db.execute("UPDATE trainee_pins SET failures = CASE WHEN ? THEN 0 ELSE failures + 1 END WHERE trainee_id = ?",
                   [int(right), trainee.id])
    if not right:
        raise RecordsError("pin_wrong", name=trainee.name)
