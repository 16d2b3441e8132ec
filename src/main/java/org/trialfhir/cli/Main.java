package org.trialfhir.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trialfhir} command line: one subcommand per task, exit status 0 on success, 1 on failure. */
@Command(
    name = "trialfhir",
    mixinStandardHelpOptions = true,
    // --help and --version on every subcommand too.
    scope = CommandLine.ScopeType.INHERIT,
    version = "trialfhir 0.1.0",
    description = "Converts cell-therapy trial registry records into FHIR R4 and serves them.",
    subcommands = {ParseCommand.class, ConvertCommand.class, ValidateCommand.class, ServeCommand.class,
        GenerateCommand.class, ImportCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests, which must not call System.exit). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
