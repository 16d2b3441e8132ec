package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HugePageAdviceTest {
  private static final long LARGE = 500_000;

  private static Optional<String> advice(long studies, boolean hugePages, boolean preTouch, String mode) {
    return HugePageAdvice.advice(studies, new HugePageAdvice.Vm(hugePages, preTouch, mode));
  }

  private static void assertSays(Optional<String> advice, String... parts) {
    assertTrue(advice.isPresent(), "expected advice");
    for (String part : parts) {
      assertTrue(advice.get().contains(part), () -> advice.get() + " should contain " + part);
    }
  }

  @Test
  void aLargeStoreOnMadviseWithoutTheFlagsIsToldTheFlags() {
    assertSays(advice(LARGE, false, false, "madvise"),
        "500,000 studies", "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch", "-Xms");
  }

  @Test
  void hugePagesWithoutPreTouchingAreAdvisedAgainst() {
    assertSays(advice(LARGE, true, false, "madvise"), "not pre-touched", "-XX:+AlwaysPreTouch");
    assertSays(advice(LARGE, false, false, "always"), "not pre-touched", "-XX:+AlwaysPreTouch");
  }

  @Test
  void preTouchedHugePagesNeedNoAdvice() {
    assertEquals(Optional.empty(), advice(LARGE, true, true, "madvise"));
    assertEquals(Optional.empty(), advice(LARGE, false, true, "always"));
  }

  @Test
  void preTouchingAloneOnMadviseStillLeavesTheHeapIn4KbPages() {
    assertSays(advice(LARGE, false, true, "madvise"), "-XX:+UseTransparentHugePages");
  }

  @Test
  void smallStoresAndMachinesWithoutHugePagesGetNothing() {
    assertEquals(Optional.empty(), advice(HugePageAdvice.STUDIES - 1, false, false, "madvise"));
    assertEquals(Optional.empty(), advice(LARGE, false, false, "never"));
    assertEquals(Optional.empty(), advice(LARGE, false, false, ""));
  }

  @Test
  void theModeIsTheBracketedWordOfTheKernelSetting() {
    assertEquals("madvise", HugePageAdvice.thpMode("always [madvise] never\n"));
    assertEquals("always", HugePageAdvice.thpMode("[always] madvise never"));
    assertEquals("", HugePageAdvice.thpMode("always madvise never"));
    assertEquals("", HugePageAdvice.thpMode(""));
  }

  @Test
  void theRunningJvmsFlagsAreRead() {
    HugePageAdvice.Vm vm = HugePageAdvice.current();
    var arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
    assertEquals(arguments.contains("-XX:+AlwaysPreTouch"), vm.alwaysPreTouch());
    assertEquals(arguments.contains("-XX:+UseTransparentHugePages"), vm.transparentHugePages());
    assertTrue(vm.thpMode().matches("|always|madvise|never"), vm.thpMode());
  }
}
