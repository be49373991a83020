"""Partner organisations: who may embed a campaign, their API keys and supporters' consents."""
