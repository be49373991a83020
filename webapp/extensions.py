"""Flask extensions, created here and bound in create_app (the rate limits: rate_limits.py)."""

from flask.wrappers import Response
from flask_babel import Babel
from flask_compress import Compress
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()


class RangeSafeCompress(Compress):
    """Flask-Compress, with two of its gaps closed.

    It compresses partial responses (206, a Range request on a static file) too, while their
    Content-Range still counts the bytes of the uncompressed file: a client joining the parts
    would get garbage. A part goes out as is. And where it replaces a streamed body (a static
    file) by its compressed stream, it leaves the file to the garbage collector: the file is
    closed with the response, as the server closes every response.
    """

    def after_request(self, response: Response | None) -> Response:
        if response is None:
            return super().after_request(response)
        if response.status_code == 206:
            return response
        body = response.response
        response = super().after_request(response)
        if response.response is not body and hasattr(body, "close"):
            response.call_on_close(body.close)
        return response


compress = RangeSafeCompress()  # configured and bound by webapp/assets.py
