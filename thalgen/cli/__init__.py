"""One module per ``thalgen <command>``: each defines HELP, ``add_arguments(parser)`` and ``main(args) -> int``."""
