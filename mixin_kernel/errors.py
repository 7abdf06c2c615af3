"""Errors of the Mixin codecs. Plain ValueErrors, so the pure package has no Django import;
the wallet services translate them into the product's ApplicationError family."""


class MixinCodecError(ValueError):
    """Base of every error raised by mixin_kernel."""


class MalformedEncodingError(MixinCodecError):
    """Bytes or text that are not a valid kernel transaction, MIX address, MIN invoice or URL."""


class ChecksumMismatchError(MalformedEncodingError):
    """A MIX address or MIN invoice whose 4-byte checksum does not match its payload."""


class InvalidAmountError(MixinCodecError):
    """An amount that is not a non-negative Decimal with at most 8 decimal places."""


class InvalidKeyError(MixinCodecError):
    """A scalar or point that is not a canonical Ed25519 key of the kernel."""


class InvalidSignatureError(MixinCodecError):
    """A transaction whose signatures do not prove ownership of its inputs."""


class InsufficientInputsError(MixinCodecError):
    """Unspent outputs that do not cover the amounts to send."""
