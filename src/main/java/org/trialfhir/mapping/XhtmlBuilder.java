package org.trialfhir.mapping;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * Writes a narrative's XHTML straight into a string, exactly as HAPI's {@code XhtmlComposer} (XML mode) writes the
 * {@link XhtmlNode} tree the same calls would build: {@code <x/>} for an element without content, {@code <x></x>}
 * for one holding only an empty text, text escaped as the composer escapes it. Building the tree and having HAPI
 * compose it cost about a seventh of an import's CPU; the string is what gets stored either way. Elements are closed
 * in the order opened, so the output is well-formed.
 */
final class XhtmlBuilder {
  /**
   * Room for any one narrative (the largest, an eligibility Group's, run to 5.5 K characters over /tmp/c10k), grown
   * seldom. Allocating and clearing it for each resource made a fifth of reading and mapping's garbage: {@link
   * #startDiv} lets a record's narratives share one.
   */
  private final StringBuilder out = new StringBuilder(8192);
  private final Deque<String> open = new ArrayDeque<>(8);
  /** Whether the last start tag still lacks its {@code >}: its element has no content so far. */
  private boolean startTagPending;

  private XhtmlBuilder() {}

  /** A narrative's {@code div}, open: content goes in until {@link #toDiv}. */
  static XhtmlBuilder div() {
    return new XhtmlBuilder().startDiv();
  }

  /** A builder with nothing in it, for {@link #startDiv} to use again and again (by one thread). */
  static XhtmlBuilder reusable() {
    return new XhtmlBuilder();
  }

  /** Forgets whatever this builder held and opens a new {@code div}, as {@link #div} does, in the same buffer. */
  XhtmlBuilder startDiv() {
    out.setLength(0);
    open.clear();
    out.append("<div xmlns=\"").append(XhtmlNode.XMLNS).append('"');
    startTagPending = true;
    open.push("div");
    return this;
  }

  XhtmlBuilder open(String element) {
    endStartTag();
    out.append('<').append(element);
    startTagPending = true;
    open.push(element);
    return this;
  }

  /** Closes the element opened last. */
  XhtmlBuilder close() {
    String element = open.pop();
    if (startTagPending) {
      out.append("/>");
      startTagPending = false;
    } else {
      out.append("</").append(element).append('>');
    }
    return this;
  }

  /** Text in the open element; none for null (as HAPI's {@code addText}), an empty text still counts as content. */
  XhtmlBuilder text(String text) {
    if (text == null) {
      return this;
    }
    endStartTag();
    escape(text);
    return this;
  }

  /** An element holding a text: {@code <td>text</td>}. */
  XhtmlBuilder element(String element, String text) {
    return open(element).text(text).close();
  }

  /**
   * The finished div, held as its XHTML (see {@link ComposedDiv}); a div without content is a plain empty node, as
   * HAPI then writes no narrative.
   */
  XhtmlNode toDiv() {
    if (open.size() != 1) {
      throw new IllegalStateException("elements left open: " + open);
    }
    if (startTagPending) {
      XhtmlNode empty = new XhtmlNode(NodeType.Element, "div");
      empty.setAttribute("xmlns", XhtmlNode.XMLNS);
      return empty;
    }
    close();
    return new ComposedDiv(out.toString());
  }

  private void endStartTag() {
    if (startTagPending) {
      out.append('>');
      startTagPending = false;
    }
  }

  /**
   * The composer's escaping of text in XML: {@code & < > "} as entities, a character outside the Basic Multilingual
   * Plane as a hexadecimal character reference in capitals, everything else as it is.
   */
  private void escape(String text) {
    int written = 0;
    int first = 0;
    // Most texts need no escaping: find the first character that may, and copy what is before it as it is.
    while (first < text.length() && !mayEscape(text.charAt(first))) {
      first++;
    }
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      String entity = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : null;
      int next = i + 1;
      if (entity == null && Character.isHighSurrogate(c) && next < text.length()
          && Character.isLowSurrogate(text.charAt(next))) {
        int codePoint = Character.toCodePoint(c, text.charAt(next));
        entity = "&#x" + Integer.toHexString(codePoint).toUpperCase(Locale.ROOT) + ";";
        next++;
      }
      if (entity != null) {
        out.append(text, written, i).append(entity);
        written = next;
        i = next - 1;
      }
    }
    out.append(text, written, text.length());
  }

  private static boolean mayEscape(char c) {
    return c == '&' || c == '<' || c == '>' || c == '"' || Character.isHighSurrogate(c);
  }
}
