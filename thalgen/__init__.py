"""thalgen: thalassemia genotyping over the beta-globin (chr11) and alpha-globin (chr16) clusters."""

__version__ = "0.1.0"
