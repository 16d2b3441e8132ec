package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpOptionTest {

  @ParameterizedTest
  @ValueSource(strings = {"parse", "convert", "validate", "serve", "generate", "import"})
  void everySubcommandPrintsItsUsageOnHelpAndSucceeds(String subcommand) {
    CommandRun run = CommandRun.of(subcommand, "--help");

    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("Usage: trialfhir " + subcommand), run.out());
    // Help does the command's work in no case: serve would block, generate would write.
    assertTrue(run.out().contains("--help"), run.out());
  }
}
