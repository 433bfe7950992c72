"""The build's one extra step: ship ontology/*.ttl inside the package.

The ontology and the SHACL shapes live in the repository's top-level ``ontology/``
(where analysts look for them); a wheel carries them as ``raadsgraf/ontology/*.ttl``,
which :func:`raadsgraf.graph.build.ontology_file` reads with ``importlib.resources``.
Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ONTOLOGY = Path(__file__).resolve().parent / "ontology"


class BuildWithOntology(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's ontology/
        target = Path(self.build_lib) / "raadsgraf" / "ontology"
        target.mkdir(parents=True, exist_ok=True)
        for ttl in sorted(ONTOLOGY.glob("*.ttl")):
            self.copy_file(str(ttl), str(target / ttl.name))


setup(cmdclass={"build_py": BuildWithOntology})
