package org.trialfhir.mapping;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.hl7.fhir.utilities.xhtml.XhtmlNodeList;

/**
 * A narrative's {@code div} held as its XHTML string (from {@link XhtmlBuilder}) instead of a node tree. HAPI's
 * encoders take a narrative's text from {@link #getValueAsString}, which here is the string itself, so encoding needs
 * no tree and no composing. Anything that looks at the tree gets one: the string is parsed into this node (as a parse
 * of the encoded resource would give it) and from then on this is a plain {@link XhtmlNode}.
 *
 * <p>One case cannot be caught: another node's {@code equalsDeep} given this one reads its fields directly, so compare
 * with this node on the left.
 */
final class ComposedDiv extends XhtmlNode {
  /** The XHTML, until the tree is built; null after. */
  private String xhtml;

  ComposedDiv(String xhtml) {
    super(NodeType.Element, "div");
    this.xhtml = xhtml;
  }

  @Override
  public String getValueAsString() {
    return xhtml != null ? xhtml : super.getValueAsString();
  }

  @Override
  public boolean isEmpty() {
    return xhtml == null && super.isEmpty();
  }

  @Override
  public XhtmlNode copy() {
    return xhtml != null ? new ComposedDiv(xhtml) : super.copy();
  }

  @Override
  public void setValueAsString(String value) {
    xhtml = null;
    super.setValueAsString(value);
  }

  // ---- every method of XhtmlNode that reads the tree's fields itself: the tree is built first ----------------

  /** Parses the string into this node's attributes and children, once. */
  private void tree() {
    if (xhtml != null) {
      String composed = xhtml;
      xhtml = null;
      super.setValueAsString(composed);
    }
  }

  @Override
  public XhtmlNodeList getChildNodes() {
    tree();
    return super.getChildNodes();
  }

  @Override
  public boolean hasChildren() {
    tree();
    return super.hasChildren();
  }

  @Override
  public Map<String, String> getAttributes() {
    tree();
    return super.getAttributes();
  }

  @Override
  public boolean hasAttributes() {
    tree();
    return super.hasAttributes();
  }

  @Override
  public boolean allChildrenAreText() {
    tree();
    return super.allChildrenAreText();
  }

  @Override
  public String allText() {
    tree();
    return super.allText();
  }

  @Override
  public String toLiteralText() {
    tree();
    return super.toLiteralText();
  }

  @Override
  public String getNsDecl() {
    tree();
    return super.getNsDecl();
  }

  @Override
  public XhtmlNode getElement(String name) {
    tree();
    return super.getElement(name);
  }

  @Override
  public XhtmlNode getElementById(String id) {
    tree();
    return super.getElementById(id);
  }

  @Override
  public XhtmlNode getElementByIndex(int index) {
    tree();
    return super.getElementByIndex(index);
  }

  @Override
  public XhtmlNode getFirstElement() {
    tree();
    return super.getFirstElement();
  }

  @Override
  public XhtmlNode getNextElement(XhtmlNode node) {
    tree();
    return super.getNextElement(node);
  }

  @Override
  public void stripAnchorsByName(Set<String> names) {
    tree();
    super.stripAnchorsByName(names);
  }

  @Override
  public void validate(List<String> errors, String path, boolean inResource, boolean inPara, boolean inLink) {
    tree();
    super.validate(errors, path, inResource, inPara, inLink);
  }

  @Override
  public boolean equalsDeep(XhtmlNode other) {
    tree();
    if (other instanceof ComposedDiv composed) {
      composed.tree();
    }
    return super.equalsDeep(other);
  }
}
