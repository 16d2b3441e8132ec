package org.trialfhir.server.search;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.trialfhir.server.search.IndexValues.Link;
import org.trialfhir.server.search.IndexValues.Tok;
import org.trialfhir.server.search.SearchIndex.Entry;
import org.trialfhir.server.search.SearchIndex.TypeIndex;
import org.trialfhir.store.OrderedVersions;
import org.trialfhir.store.TrialStore;

/**
 * The {@link SearchIndex}'s extracted values written to a file and read back, so that a start need not parse every
 * stored resource: every entry of every type in ordinal order (deletes included, which keep their place), as of one
 * change-feed position, with the distinct tokens and references once each and {@code _content}'s word table.
 *
 * <p>A snapshot is used only when it is whole (it ends with a marker), was written by code that extracts values the
 * same way ({@link #fingerprint}: a hash of the extracting classes' bytecode and the HAPI version), and belongs to
 * the store: the store has reached its position and the write it records at that position ({@link Anchor}) is the
 * store's write there. Otherwise it is ignored and the index built. Files are written beside their final name and
 * renamed into place, so a reader never sees half a snapshot.
 */
final class IndexSnapshot {
  private static final int MAGIC = 0x54464958; // "TFIX"
  private static final int FORMAT = 1;
  private static final int END = 0x454E4421; // "END!"

  /** What the snapshot could not be used for, in words for the log. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The versions the write at a feed position stored (type, id, version, time), which identify the store's history
   * up to there: a snapshot of another store, or of a store restored from an older copy and written to since, does
   * not have the same write at its position.
   */
  record Anchor(long position, List<String> versions) {
    static Anchor of(TrialStore.Committed committed) {
      List<String> versions = new ArrayList<>();
      for (TrialStore.Version v : committed.versions()) {
        versions.add(v.type() + "/" + v.id() + "/" + v.versionId() + "@" + v.lastUpdated().toEpochMilli());
      }
      return new Anchor(committed.seq(), List.copyOf(versions));
    }

    /** The anchor of the store at {@code position}, or null when the store does not show that write. */
    static Anchor in(TrialStore store, long position) {
      if (position == 0) {
        return new Anchor(0, List.of());
      }
      List<TrialStore.Committed> at = store.changesSince(position - 1, 1);
      return at.size() == 1 && at.get(0).seq() == position ? of(at.get(0)) : null;
    }
  }

  private IndexSnapshot() {}

  // ---- writing ------------------------------------------------------------------------------------------------

  /**
   * Writes the entries of {@code types} as of {@code anchor.position()} to {@code file} (through a temporary file
   * renamed into place).
   *
   * @throws OrderedVersions.Stale if an entry changed twice since that position while it was written: write again
   */
  static void write(Path file, String fingerprint, Anchor anchor, Map<String, TypeIndex> types, IndexValues values)
      throws IOException {
    // A name of its own: several servers on one database may be given one snapshot file.
    Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
    try {
      writeTo(temporary, fingerprint, anchor, types, values);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    try {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void writeTo(
      Path temporary, String fingerprint, Anchor anchor, Map<String, TypeIndex> types, IndexValues values)
      throws IOException {
    try (DataOutputStream out = new DataOutputStream(
        new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeUTF(fingerprint);
      out.writeLong(anchor.position());
      varint(out, anchor.versions().size());
      for (String version : anchor.versions()) {
        string(out, version);
      }
      Tables tables = new Tables();
      List<List<Entry>> entries = new ArrayList<>();
      for (TypeIndex type : types.values()) {
        entries.add(entriesAt(type, anchor.position(), tables));
      }
      String[] words = values.wordTable();
      varint(out, words.length);
      for (String word : words) {
        string(out, word);
      }
      varint(out, tables.toks.size());
      for (Tok tok : tables.toks) {
        string(out, tok.system);
        string(out, tok.code);
        string(out, tok.text);
      }
      varint(out, tables.links.size());
      for (Link link : tables.links) {
        string(out, link.reference);
      }
      varint(out, types.size());
      int t = 0;
      for (TypeIndex type : types.values()) {
        string(out, type.type);
        varint(out, type.slots.size());
        for (ParamDef def : type.slots) {
          string(out, slotName(def));
        }
        List<Entry> ofType = entries.get(t++);
        varint(out, ofType.size());
        for (int ordinal = 0; ordinal < ofType.size(); ordinal++) {
          Entry entry = ofType.get(ordinal);
          string(out, type.id(ordinal));
          varint(out, entry.version);
          out.writeLong(entry.lastUpdated);
          out.writeBoolean(entry.deleted());
          if (!entry.deleted()) {
            for (int slot = 0; slot < type.slots.size(); slot++) {
              value(out, type.slots.get(slot), entry.values[slot], tables);
            }
          }
        }
      }
      out.writeInt(END);
    }
  }

  /** The type's entries as of the position, in ordinal order (those created later come after all of these). */
  private static List<Entry> entriesAt(TypeIndex type, long position, Tables tables) {
    List<Entry> entries = new ArrayList<>();
    for (int ordinal = 0, count = type.entries.count(); ordinal < count; ordinal++) {
      Entry entry = type.entries.at(ordinal, position);
      if (entry == null) {
        break;
      }
      entries.add(entry);
      if (!entry.deleted()) {
        for (Object value : entry.values) {
          tables.collect(value);
        }
      }
    }
    return entries;
  }

  /** The distinct tokens and references the entries hold, numbered in the order met. */
  private static final class Tables {
    final List<Tok> toks = new ArrayList<>();
    final Map<Tok, Integer> tokNumbers = new IdentityHashMap<>();
    final List<Link> links = new ArrayList<>();
    final Map<Link, Integer> linkNumbers = new IdentityHashMap<>();

    void collect(Object value) {
      if (value instanceof Tok[] values) {
        for (Tok tok : values) {
          tokNumbers.computeIfAbsent(tok, k -> {
            toks.add(k);
            return toks.size() - 1;
          });
        }
      } else if (value instanceof Link[] values) {
        for (Link link : values) {
          linkNumbers.computeIfAbsent(link, k -> {
            links.add(k);
            return links.size() - 1;
          });
        }
      }
    }
  }

  private static void value(DataOutputStream out, ParamDef def, Object value, Tables tables) throws IOException {
    if (def instanceof ParamDef.Token) {
      Tok[] toks = (Tok[]) value;
      varint(out, toks.length);
      for (Tok tok : toks) {
        varint(out, tables.tokNumbers.get(tok));
      }
    } else if (def instanceof ParamDef.Ref) {
      Link[] links = (Link[]) value;
      varint(out, links.length);
      for (Link link : links) {
        varint(out, tables.linkNumbers.get(link));
      }
    } else if (def instanceof ParamDef.Str string && string.words()) {
      int[] words = (int[]) value;
      varint(out, words.length);
      int previous = 0;
      for (int word : words) {
        // Ascending: the gaps are small.
        varint(out, word - previous);
        previous = word;
      }
    } else if (def instanceof ParamDef.Str || def instanceof ParamDef.Uri) {
      String[] strings = (String[]) value;
      varint(out, strings.length);
      for (String s : strings) {
        string(out, s);
      }
    } else if (def instanceof ParamDef.Date) {
      long[] spans = (long[]) value;
      varint(out, spans.length);
      for (long bound : spans) {
        out.writeLong(bound);
      }
    } else if (def instanceof ParamDef.Quantity) {
      ageLimits(out, value);
    } else {
      throw new IOException(def.name() + " is not stored");
    }
  }

  /** {@code eligible-age}'s values: null (no Group) or a list of age limits. */
  private static void ageLimits(DataOutputStream out, Object value) throws IOException {
    if (value == null) {
      varint(out, 0);
      return;
    }
    List<?> limits = (List<?>) value;
    varint(out, limits.size() + 1);
    for (Object item : limits) {
      SearchParams.AgeLimit limit = (SearchParams.AgeLimit) item;
      string(out, limit.low() == null ? null : limit.low().toString());
      string(out, limit.below() == null ? null : limit.below().toString());
      out.writeBoolean(limit.exclude());
    }
  }

  // ---- reading ------------------------------------------------------------------------------------------------

  /** What a snapshot holds: its anchor, and per type (by name) its entries in ordinal order with their ids. */
  record Loaded(Anchor anchor, Map<String, List<String>> ids, Map<String, List<Entry>> entries) {}

  /**
   * Reads a snapshot written by {@link #write} with the same fingerprint for these types, creating its tokens,
   * references and words in {@code values} (which must be new: word numbers are restored as written).
   *
   * @throws Unusable if it is missing, cut short, of another format or fingerprint, or for other types
   */
  static Loaded read(Path file, String fingerprint, Map<String, TypeIndex> types, IndexValues values)
      throws Unusable {
    if (!Files.isRegularFile(file)) {
      throw new Unusable("no snapshot at " + file);
    }
    try (Input in = new Input(Files.newInputStream(file), Files.size(file))) {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        throw new Unusable("not a search index snapshot of this format");
      }
      String written = in.readUTF();
      if (!written.equals(fingerprint)) {
        throw new Unusable("written by other search parameter definitions (" + written + ", now " + fingerprint + ")");
      }
      long position = in.readLong();
      List<String> anchorVersions = new ArrayList<>();
      for (int i = varint(in); i > 0; i--) {
        anchorVersions.add(string(in));
      }
      String[] words = new String[in.checked(varint(in))];
      for (int i = 0; i < words.length; i++) {
        words[i] = string(in);
      }
      values.restoreWords(words);
      Tok[] toks = new Tok[in.checked(varint(in))];
      for (int i = 0; i < toks.length; i++) {
        toks[i] = values.tok(new Coded(string(in), string(in), string(in)));
      }
      Link[] links = new Link[in.checked(varint(in))];
      for (int i = 0; i < links.length; i++) {
        links[i] = values.link(string(in));
      }
      int typeCount = in.checked(varint(in));
      if (typeCount != types.size()) {
        throw new Unusable("written for other resource types");
      }
      Map<String, List<String>> ids = new HashMap<>();
      Map<String, List<Entry>> entries = new HashMap<>();
      for (int t = 0; t < typeCount; t++) {
        TypeIndex type = types.get(string(in));
        if (type == null || varint(in) != type.slots.size()) {
          throw new Unusable("written for other resource types or parameters");
        }
        for (ParamDef def : type.slots) {
          if (!slotName(def).equals(string(in))) {
            throw new Unusable("written for other search parameters of " + type.type);
          }
        }
        int count = in.checked(varint(in));
        List<String> typeIds = new ArrayList<>(count);
        List<Entry> typeEntries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          typeIds.add(string(in));
          int version = varint(in);
          long lastUpdated = in.readLong();
          Object[] slots = null;
          if (!in.readBoolean()) {
            slots = new Object[type.slots.size()];
            for (int slot = 0; slot < slots.length; slot++) {
              slots[slot] = value(in, type.slots.get(slot), toks, links);
            }
          }
          typeEntries.add(new Entry(version, lastUpdated, slots));
        }
        ids.put(type.type, typeIds);
        entries.put(type.type, typeEntries);
      }
      if (in.readInt() != END) {
        throw new Unusable("it does not end where it should");
      }
      return new Loaded(new Anchor(position, List.copyOf(anchorVersions)), ids, entries);
    } catch (EOFException e) {
      throw new Unusable("it is cut short");
    } catch (IOException | RuntimeException e) {
      throw new Unusable("it cannot be read: " + e);
    }
  }

  private static Object value(Input in, ParamDef def, Tok[] toks, Link[] links)
      throws IOException {
    if (def instanceof ParamDef.Token) {
      int n = in.checked(varint(in));
      if (n == 0) {
        return IndexValues.NO_TOKS;
      } else if (n == 1) {
        return toks[varint(in)].alone;
      }
      Tok[] found = new Tok[n];
      for (int i = 0; i < n; i++) {
        found[i] = toks[varint(in)];
      }
      return found;
    } else if (def instanceof ParamDef.Ref) {
      int n = in.checked(varint(in));
      if (n == 0) {
        return IndexValues.NO_LINKS;
      } else if (n == 1) {
        return links[varint(in)].alone;
      }
      Link[] found = new Link[n];
      for (int i = 0; i < n; i++) {
        found[i] = links[varint(in)];
      }
      return found;
    } else if (def instanceof ParamDef.Str string && string.words()) {
      int n = in.checked(varint(in));
      if (n == 0) {
        return IndexValues.NO_WORDS;
      }
      int[] words = new int[n];
      int previous = 0;
      for (int i = 0; i < n; i++) {
        previous += varint(in);
        words[i] = previous;
      }
      return words;
    } else if (def instanceof ParamDef.Str || def instanceof ParamDef.Uri) {
      int n = in.checked(varint(in));
      if (n == 0) {
        return IndexValues.NO_STRINGS;
      }
      String[] strings = new String[n];
      for (int i = 0; i < n; i++) {
        strings[i] = string(in);
      }
      return strings;
    } else if (def instanceof ParamDef.Date) {
      int n = in.checked(varint(in));
      if (n == 0) {
        return IndexValues.NO_SPANS;
      }
      long[] spans = new long[n];
      for (int i = 0; i < n; i++) {
        spans[i] = in.readLong();
      }
      return spans;
    } else if (def instanceof ParamDef.Quantity) {
      int n = in.checked(varint(in)) - 1;
      if (n < 0) {
        return null;
      }
      List<SearchParams.AgeLimit> limits = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String low = string(in);
        String below = string(in);
        limits.add(new SearchParams.AgeLimit(
            low == null ? null : new BigDecimal(low), below == null ? null : new BigDecimal(below), in.readBoolean()));
      }
      return List.copyOf(limits);
    }
    throw new IOException(def.name() + " is not stored");
  }

  // ---- what a snapshot depends on -------------------------------------------------------------------------------

  /** A parameter's name and kind, as the snapshot records each slot. */
  private static String slotName(ParamDef def) {
    return def.name() + ":" + def.getClass().getSimpleName() + (def instanceof ParamDef.Str s && s.words() ? "+w" : "");
  }

  /**
   * A hash of what decides the values extracted: the bytecode of the classes that define and extract the parameters
   * (the definitions' lambdas are compiled into {@link SearchParams}), of the store's decoding, and HAPI's version.
   * Any change to them makes older snapshots unusable, which is what a change there may need.
   */
  static String fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(("format " + FORMAT + "; HAPI " + ca.uhn.fhir.util.VersionUtil.getVersion())
          .getBytes(StandardCharsets.UTF_8));
      List<Class<?>> classes = new ArrayList<>(List.of(SearchParams.class, ParamDef.class, Coded.class,
          DateSpan.class, Text.class, Extractor.class, IndexValues.class, SearchIndex.class, IndexSnapshot.class));
      for (int i = 0; i < classes.size(); i++) {
        classes.addAll(List.of(classes.get(i).getDeclaredClasses()));
      }
      List<String> names = new ArrayList<>(classes.stream().map(c -> "/" + c.getName().replace('.', '/') + ".class")
          .toList());
      names.add("/org/trialfhir/store/jdbc/ResourceCodec.class");
      for (String name : names) {
        try (InputStream in = IndexSnapshot.class.getResourceAsStream(name)) {
          if (in == null) {
            throw new IllegalStateException("cannot read " + name + " to fingerprint the search parameters");
          }
          digest.update(name.getBytes(StandardCharsets.UTF_8));
          digest.update(in.readAllBytes());
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException("cannot fingerprint the search parameters", e);
    }
  }

  // ---- encoding -------------------------------------------------------------------------------------------------

  /**
   * A buffered reader of the snapshot's numbers and bytes: {@code DataInputStream} over {@code BufferedInputStream}
   * takes a lock per byte, and a snapshot is millions of small numbers.
   */
  private static final class Input implements AutoCloseable {
    private final InputStream in;
    private final long size;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;

    Input(InputStream in, long size) {
      this.in = in;
      this.size = size;
    }

    /** A length or count read as written: more than the file's bytes means a damaged file, not a huge array. */
    int checked(int count) throws IOException {
      if (count < 0 || count > size) {
        throw new IOException("a count of " + count + " in a file of " + size + " bytes");
      }
      return count;
    }

    int readUnsignedByte() throws IOException {
      if (position == limit && !fill()) {
        throw new EOFException();
      }
      return buffer[position++] & 0xFF;
    }

    boolean readBoolean() throws IOException {
      return readUnsignedByte() != 0;
    }

    int readInt() throws IOException {
      int value = 0;
      for (int i = 0; i < 4; i++) {
        value = (value << 8) | readUnsignedByte();
      }
      return value;
    }

    long readLong() throws IOException {
      return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    /** {@link DataOutputStream#writeUTF}'s form: a two-byte length, then (for our ASCII text) the characters. */
    String readUTF() throws IOException {
      int length = (readUnsignedByte() << 8) | readUnsignedByte();
      return new String(readBytes(length), StandardCharsets.UTF_8);
    }

    byte[] readBytes(int length) throws IOException {
      byte[] bytes = new byte[length];
      int done = 0;
      while (done < length) {
        if (position == limit && !fill()) {
          throw new EOFException();
        }
        int n = Math.min(length - done, limit - position);
        System.arraycopy(buffer, position, bytes, done, n);
        position += n;
        done += n;
      }
      return bytes;
    }

    private boolean fill() throws IOException {
      int n = in.read(buffer);
      position = 0;
      limit = Math.max(n, 0);
      return n > 0;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static void varint(DataOutputStream out, int value) throws IOException {
    int v = value;
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  private static int varint(Input in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("a number runs on");
  }

  /** UTF-8 with its length plus one; 0 for null. */
  private static void string(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      varint(out, 0);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    varint(out, bytes.length + 1);
    out.write(bytes);
  }

  private static String string(Input in) throws IOException {
    int length = varint(in) - 1;
    if (length < 0) {
      return null;
    }
    in.checked(length);
    return new String(in.readBytes(length), StandardCharsets.UTF_8);
  }
}
