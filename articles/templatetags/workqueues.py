"""``{% work_queues as groups %}``: the signed-in person's work queues with counts (admin home)."""

from django import template

from ..workflow import queues

register = template.Library()


@register.simple_tag(takes_context=True)
def work_queues(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return queues.for_user(request.user)
