"""Choosing the device a model runs on."""

from models.errors import UsageError

DEVICE_CHOICES = ("auto", "cpu", "cuda")


def resolve_device(requested: str) -> str:
    """Turn ``auto|cpu|cuda`` into the device to use.

    ``auto`` picks CUDA when torch sees a GPU, else the CPU.

    Raises:
        UsageError: an unknown device, or ``cuda`` on a machine where torch sees no GPU.
    """
    if requested not in DEVICE_CHOICES:
        raise UsageError(f"unknown device '{requested}' (choose one of {', '.join(DEVICE_CHOICES)})")
    if requested == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if requested == "cuda":
        raise UsageError("--device cuda was asked for, but torch sees no CUDA GPU here (use --device cpu or auto)")
    return "cpu"
