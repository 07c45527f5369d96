"""``/logistics/webhooks/<carrier>/``: verify, store once, answer fast; a worker does the rest."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..errors import BadSignature, EventNotApplicable
from ..services.webhooks import store_carrier_event


@csrf_exempt
@require_POST
def receive(request: HttpRequest, carrier: str) -> HttpResponse:
    headers = dict(request.headers.items())
    try:
        store_carrier_event(carrier_code=carrier, body=request.body, headers=headers)
    except BadSignature as error:
        return HttpResponseBadRequest(error.message)
    except EventNotApplicable:
        return HttpResponse(status=404)
    return HttpResponse(status=200)
