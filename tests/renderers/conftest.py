"""One small gallery, built once for the gallery and browser tests."""

import pytest

from netir.renderers.gallery import build_gallery

#: One network per family shape: a plain stack, residual blocks, dense blocks.
GALLERY_NAMES = ["lenet5", "resnet18", "densenet121"]


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("gallery")
    build_gallery(out, GALLERY_NAMES, check=True, jobs=1)
    return out
