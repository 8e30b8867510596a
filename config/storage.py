"""Static files storage: WhiteNoise's compressed, hashed-name storage, with JS imports rewritten.

`static/js/init.js` imports `nhsuk-frontend.min.js` as an ES module. Django's manifest storage
leaves module imports alone unless asked, so the imported file kept its unhashed name and a
60-second cache lifetime; with the rewrite it gets a hashed name and is cached for good.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
