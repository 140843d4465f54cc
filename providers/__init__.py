"""Provider adapters: each implements core.contracts.Provider for one vendor.

- providers.wavespeed.WaveSpeedProvider   WaveSpeed REST v3 (upload, submit once, poll, fetch, quote, balance)
- providers.huggingface.HuggingFaceProvider   Hugging Face inference providers (text/image-to-video)
- providers.local.LocalProvider   offline drafts rendered on this machine

Shared pieces: providers.wire (generic request -> vendor fields, from the catalog's `wire` data)
and providers.http (retries, safe downloads, and the test-mode guard that keeps tests off real
hosts). app.py wires the adapters in; core never imports this package.
"""
