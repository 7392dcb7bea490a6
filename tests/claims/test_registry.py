"""The claims registry: one entry per claim, tables from the contract, active claims follow the analyses."""

import yaml
from helpers import ROOT

from implicitreg.claims.registry import CLAIMS, active, tables_read
from implicitreg.config.check import validate
from implicitreg.io.contract import TABLES


def test_every_claim_once_in_order_reading_contract_tables():
    ids = [c.claim_id for c in CLAIMS]
    papers = [str(i) for i in range(1, 18)]
    assert len(set(ids)) == len(ids) and [i for i in ids if i.isdigit()] == papers
    assert [i for i in ids if not i.isdigit()] == ["2b", "3b", "9b", "10b", "11b", "14b", "17b"]
    for claim in CLAIMS:
        assert claim.kind in ("paper", "derived", "boundary") and claim.source in ("G19", "C22", "A19", "beyond")
        assert claim.statement and claim.scope and claim.evidence
    for claim in CLAIMS:
        assert set(claim.tables) <= set(TABLES), claim.claim_id
        for name in claim.tables:  # a claim's tables exist whenever its analysis does
            assert TABLES[name].analysis in (None, claim.analysis), (claim.claim_id, name)


def test_active_claims_follow_the_configured_analyses():
    config = validate(yaml.safe_load((ROOT / "config.yaml").read_text()))
    assert len(active(config)) == len(CLAIMS)
    del config["analyses"]["dmf"], config["analyses"]["transitions"], config["analyses"]["completion"]
    assert [c.claim_id for c in active(config)] == ["1", "2", "2b", "5", "6", "7", "8", "9", "9b", "10", "10b", "11",
                                                    "11b", "12", "13"]  # fmt: skip
    assert "dmf_runs" not in tables_read(config) and "runs" in tables_read(config)
