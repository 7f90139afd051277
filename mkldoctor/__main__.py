from mkldoctor.cli import main

main()
