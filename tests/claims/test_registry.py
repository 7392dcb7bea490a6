"""The claims registry: one entry per claim, tables from the contract, active claims follow the analyses."""

import yaml
from conftest import ROOT

from implicitreg.claims.registry import CLAIMS, active, tables_read
from implicitreg.config.check import validate
from implicitreg.io.contract import TABLES


def test_every_claim_once_in_order_reading_contract_tables():
    ids = [c.claim_id for c in CLAIMS]
    assert ids == sorted(set(ids)) == list(range(1, 16))
    for claim in CLAIMS:
        assert set(claim.tables) <= set(TABLES), claim.claim_id
        for name in claim.tables:  # a claim's tables exist whenever its analysis does
            assert TABLES[name].analysis in (None, claim.analysis), (claim.claim_id, name)


def test_active_claims_follow_the_configured_analyses():
    config = validate(yaml.safe_load((ROOT / "config.yaml").read_text()))
    assert [c.claim_id for c in active(config)] == list(range(1, 16))
    del config["analyses"]["dmf"], config["analyses"]["transitions"]
    assert [c.claim_id for c in active(config)] == [1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "dmf_runs" not in tables_read(config) and "runs" in tables_read(config)
