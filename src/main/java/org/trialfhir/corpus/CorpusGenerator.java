package org.trialfhir.corpus;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * A reproducible synthetic corpus of cell-therapy trial records: record {@code i} of the corpus with seed {@code s}
 * is always the same bytes, whatever else is generated, in whatever order or on whatever thread. The formats take
 * turns by index, so a corpus of all three holds each in equal shares.
 */
public final class CorpusGenerator {
  /** Records per shard folder, so no folder holds more files than tools handle comfortably. */
  public static final int SHARD_SIZE = 10_000;
  /** The largest corpus: registry ids are drawn without repetition from ten million. */
  public static final int MAX_COUNT = RegistryIds.MAX_COUNT;
  /** Rendering draws (escapes, date spellings, line breaks) come from a stream of their own. */
  private static final long RENDERING_SALT = 0x72656E646572L;

  private final long seed;
  private final List<CorpusFormat> formats;
  private final RegistryIds ids;

  /** A corpus with the given seed in the given formats (taken in their canonical order, whatever the order given). */
  public CorpusGenerator(long seed, Collection<CorpusFormat> formats) {
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("no format to write");
    }
    this.seed = seed;
    this.formats = List.copyOf(EnumSet.copyOf(formats));
    this.ids = new RegistryIds(seed);
  }

  public List<CorpusFormat> formats() {
    return formats;
  }

  public CorpusFormat format(long index) {
    return formats.get((int) (index % formats.size()));
  }

  public String registryId(long index) {
    return ids.of(index);
  }

  /** Record {@code index}: what it states and the facts in its text. */
  public SyntheticTrial trial(long index) {
    return TrialComposer.compose(index, format(index), ids.of(index), Dice.forRecord(seed, index));
  }

  /** The file content of a trial made by {@link #trial}. */
  public String render(SyntheticTrial trial) {
    Dice dice = Dice.forRecord(seed ^ RENDERING_SALT, trial.index());
    return switch (trial.format()) {
      case CTGOV_PAGE -> CtgovPageWriter.write(trial.record(), dice);
      case MEDPATH_PAGE -> MedPathPageWriter.write(trial.record(), dice);
      case CTGOV_JSON -> CtgovJsonWriter.write(trial.record(), dice);
    };
  }

  /** Record {@code index}'s file content as UTF-8. */
  public byte[] bytes(long index) {
    return render(trial(index)).getBytes(StandardCharsets.UTF_8);
  }

  /** Where record {@code index} lives under the corpus folder: {@code 0003/NCT91234567.txt}. */
  public String path(long index) {
    return shard(index) + "/" + ids.of(index) + format(index).extension();
  }

  /** The shard folder of record {@code index}: {@code 0000} for the first {@link #SHARD_SIZE} records. */
  public static String shard(long index) {
    return String.format(Locale.ROOT, "%04d", index / SHARD_SIZE);
  }
}
