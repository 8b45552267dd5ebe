import gc

import pytest

from crm.core.runtime import GC_THRESHOLDS, tune_garbage_collector


@pytest.fixture
def restored_gc():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_start_up_objects_are_frozen_and_collections_are_rarer(restored_gc):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0

    tune_garbage_collector()

    assert gc.get_freeze_count() > 10_000  # the modules, classes and functions loaded so far
    assert gc.get_threshold() == GC_THRESHOLDS == (20_000, 50, 100)


def test_the_wsgi_application_tunes_the_collector(restored_gc):
    gc.unfreeze()
    import importlib

    import config.wsgi

    importlib.reload(config.wsgi)

    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold() == GC_THRESHOLDS
