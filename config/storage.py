"""Static files storage: WhiteNoise's compressed, hashed-name storage, with JS imports rewritten.

`static/js/init.js` imports `nhsuk-frontend.min.js` as an ES module. Django's manifest storage
leaves module imports alone unless asked, so the imported file kept its unhashed name and a
60-second cache lifetime; with the rewrite it gets a hashed name and is cached for good.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def url(self, name: str | None, force: bool = False) -> str:
        """The hashed URL, looked up in the manifest once per name and process: every page
        asks for the same dozen files, and each lookup cost about 0.07 ms (issue #15). The
        manifest is read when the storage is made and does not change while it serves."""
        if force or name is None:
            return super().url(name, force)
        memo = self.__dict__.setdefault("_url_memo", {})
        if (found := memo.get(name)) is None:
            found = memo[name] = super().url(name)
        return found
