package org.trialfhir.store;

import java.util.Arrays;

/**
 * Values by id in first-stored order, each tagged with the change-feed position at which it became current, so
 * readers that fix a position see whole writes while one writer goes on: what the stores' current views and the
 * server's search index keep per resource type.
 *
 * <p>Why not a map copied per write: with millions of ids a copy per write is quadratic. Here a write touches only
 * its own ids, in place: each holds its newest value and the one before, and a reader at position {@code S} takes the
 * newest value written at or before {@code S}. A reader whose position is older than both (two writes to one id
 * while it read) gets {@link Stale} and starts over at a newer position; with whole writes published after their
 * values, that is rare and short.
 *
 * <p>One writer at a time (the owner serialises them); any number of readers, which never wait. Readers must read the
 * owner's published position (a volatile) before reading here: the writer changes things here first and publishes
 * the position last, which makes what it wrote visible to every reader of that position. Memory per id: the id, a
 * node, and three array slots (no boxed integers, no hash-map nodes).
 */
public final class OrderedVersions<V> {

  /** A reader's position is older than what an id still holds: read again at a newer position. */
  public static final class Stale extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Stale INSTANCE = new Stale();

    private Stale() {
      super("a write overtook the reader", null, false, false);
    }
  }

  /** Marks a node whose predecessor was dropped. */
  private static final Object CUT = new Object();

  private static final class Node<V> {
    final long seq;
    final V value;
    /** The node before: another Node, null when the id did not exist before, or CUT. */
    volatile Object previous;

    Node(long seq, V value, Object previous) {
      this.seq = seq;
      this.value = value;
      this.previous = previous;
    }
  }

  private volatile String[] ids = new String[16];
  private volatile Node<V>[] nodes = newNodes(16);
  /** Open addressing over ids: ordinal + 1, 0 for a free slot; at most half full. */
  private volatile int[] table = new int[32];
  private volatile int count;

  /** How many ids were ever written (deleted ones keep their place). */
  public int count() {
    return count;
  }

  public String id(int ordinal) {
    return ids[ordinal];
  }

  /** The ordinal of an id, or -1 if it was never written. */
  public int ordinal(String id) {
    int[] slots = table;
    String[] known = ids;
    int mask = slots.length - 1;
    for (int i = spread(id.hashCode()) & mask; ; i = (i + 1) & mask) {
      int entry = slots[i];
      if (entry == 0) {
        return -1;
      }
      String candidate = known[entry - 1];
      if (candidate != null && candidate.equals(id)) {
        return entry - 1;
      }
    }
  }

  /**
   * The value current at position {@code at}, or null when the id did not exist then.
   *
   * @throws Stale if the id changed twice since {@code at}
   */
  public V at(int ordinal, long at) {
    Object node = nodes[ordinal];
    while (node instanceof Node<?> n && n.seq > at) {
      node = n.previous;
    }
    if (node == CUT) {
      throw Stale.INSTANCE;
    }
    @SuppressWarnings("unchecked")
    Node<V> found = (Node<V>) node;
    return found == null ? null : found.value;
  }

  /** The newest value written (for the writer, and for readers who want the latest). */
  public V latest(int ordinal) {
    Node<V> node = nodes[ordinal];
    return node == null ? null : node.value;
  }

  /**
   * Makes {@code value} the id's value from position {@code seq} on (not newer than the positions written before);
   * a new id takes the next ordinal. Returns the ordinal. Writer only.
   */
  public int put(String id, long seq, V value) {
    int ordinal = ordinal(id);
    if (ordinal < 0) {
      ordinal = count;
      if (ordinal == ids.length) {
        int size = ordinal * 2;
        ids = Arrays.copyOf(ids, size);
        nodes = Arrays.copyOf(nodes, size);
      }
      ids[ordinal] = id;
      nodes[ordinal] = new Node<>(seq, value, null);
      insert(id, ordinal);
      count = ordinal + 1;
      return ordinal;
    }
    Node<V> before = nodes[ordinal];
    nodes[ordinal] = new Node<>(seq, value, before);
    if (before != null && before.previous != null) {
      // Keep one value back for readers at an older position; older ones are dropped ("did not exist" costs nothing
      // to keep).
      before.previous = CUT;
    }
    return ordinal;
  }

  private void insert(String id, int ordinal) {
    int[] slots = table;
    if ((ordinal + 1) * 2 > slots.length) {
      int[] grown = new int[slots.length * 2];
      for (int o = 0; o < ordinal; o++) {
        place(grown, ids[o], o);
      }
      place(grown, id, ordinal);
      table = grown;
    } else {
      place(slots, id, ordinal);
    }
  }

  private static void place(int[] slots, String id, int ordinal) {
    int mask = slots.length - 1;
    int i = spread(id.hashCode()) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = ordinal + 1;
  }

  private static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  @SuppressWarnings("unchecked")
  private static <V> Node<V>[] newNodes(int size) {
    return (Node<V>[]) new Node<?>[size];
  }
}
