"""The public transparency page: the latest signed checkpoint, the public key, and how anyone
holding an earlier checkpoint checks that the records only grew (ADR 0062)."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from review.services.chains import CHAINS
from review.services.checkpoints import checkpoint_file, transparency_page


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    page = transparency_page()
    heads = []
    if page.latest is not None:
        chains = page.latest.body.get("chains", {})
        heads = [(spec.label, chains.get(spec.key)) for spec in CHAINS if spec.key in chains]
    return render(request, "transparency.html", {"page": page, "heads": heads})


@require_GET
def transparency_checkpoint(request: HttpRequest, serial: int) -> FileResponse:
    path = checkpoint_file(serial)
    if path is None:
        raise Http404("No such checkpoint")
    return FileResponse(path.open("rb"), content_type="application/json", filename=path.name)
