"""The burgerservicenummer and its 11-proef."""

from __future__ import annotations


class OngeldigBSN(ValueError):
    pass


def is_geldig_bsn(bsn: str) -> bool:
    """The 11-proef: 9 digits, sum of digit*weight (9..2, last -1) divisible by 11, not 0."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(bsn, weights, strict=True))
    return total != 0 and total % 11 == 0


def check_bsn(bsn: str) -> str:
    if not is_geldig_bsn(bsn):
        raise OngeldigBSN("BSN voldoet niet aan de 11-proef (9 cijfers)")
    return bsn
