// Bonespine's own extensions of the rich-text editor (django-prose-editor / Tiptap).
//
// Citation: an in-text citation of one or more of the article's references. It is stored as
// <span class="citation" data-refs="KEY KEY"></span>: stable reference keys, never a typed
// number; the public page numbers citations in the order of first citation. The "Cite" button
// opens a dialog listing the references of the form below (saved or not yet saved).
//
// PasteCleanup: HTML pasted from Word, Google Docs or a web page keeps its headings, lists,
// bold, italic, links and tables; fonts, colours, spans, styles and comments go. Word writes
// lists as paragraphs with "mso-list" styles: they become real <ul>/<ol> lists.
//
// The server-side allow-list (articles/rendering.py) accepts exactly what the editor writes.
import { Extension, Node, Plugin, mergeAttributes } from "django-prose-editor/editor"

// --- the article's references, read from the references part of the form ---------------------

function referenceRows() {
  const rows = document.querySelectorAll('.inline-related[id^="references-"]:not(.empty-form)')
  const references = []
  for (const row of rows) {
    const value = (name) => {
      const input = row.querySelector(`[name$="-${name}"]`)
      return input ? (input.type === "checkbox" ? input.checked : input.value.trim()) : ""
    }
    const key = value("key")
    if (!key || value("DELETE") === true) continue
    const who = (value("authors").split(",")[0] || value("editors").split(",")[0] || value("organisation") || "").trim()
    const title = value("title") || value("citation_text")
    if (!title && !who) continue
    references.push({ key, who, year: value("year"), title })
  }
  return references
}

function shortLabel(reference) {
  const parts = [reference.who, reference.year].filter(Boolean).join(" ")
  return parts || reference.title.slice(0, 40)
}

function citationLabel(keys) {
  const byKey = new Map(referenceRows().map((r) => [r.key, r]))
  const labels = keys.map((key) => (byKey.has(key) ? shortLabel(byKey.get(key)) : "missing reference"))
  return `[${labels.join("; ")}]`
}

// --- the dialog of the "Cite" button ------------------------------------------------------

let dialogCounter = 0

function pickReferences(selected) {
  return new Promise((resolve) => {
    const references = referenceRows()
    const dialog = document.createElement("dialog")
    dialog.className = "bs-cite-dialog"
    const titleId = `bs-cite-title-${++dialogCounter}`
    dialog.setAttribute("aria-labelledby", titleId)
    const heading = document.createElement("h2")
    heading.id = titleId
    heading.textContent = "Cite references"
    dialog.append(heading)
    const form = document.createElement("form")
    form.method = "dialog"
    if (!references.length) {
      const p = document.createElement("p")
      p.textContent =
        "This article has no references yet. Add them in the References part of this page (a title or " +
        "free-text citation is enough to cite them), then press Cite again."
      form.append(p)
    } else {
      const fieldset = document.createElement("fieldset")
      const legend = document.createElement("legend")
      legend.textContent = "Choose one or more references to cite here:"
      fieldset.append(legend)
      references.forEach((reference, index) => {
        const label = document.createElement("label")
        label.className = "bs-cite-option"
        const box = document.createElement("input")
        box.type = "checkbox"
        box.value = reference.key
        box.checked = selected.includes(reference.key)
        label.append(box, ` ${index + 1}. ${shortLabel(reference)}: ${reference.title}`)
        fieldset.append(label)
      })
      form.append(fieldset)
    }
    const buttons = document.createElement("p")
    const ok = document.createElement("button")
    ok.type = "submit"
    ok.value = "cite"
    ok.textContent = selected.length ? "Update citation" : "Insert citation"
    const cancel = document.createElement("button")
    cancel.type = "submit"
    cancel.value = "cancel"
    cancel.textContent = "Cancel"
    if (references.length) buttons.append(ok, " ")
    buttons.append(cancel)
    form.append(buttons)
    dialog.append(form)
    document.body.append(dialog)
    dialog.addEventListener("close", () => {
      const keys = [...dialog.querySelectorAll("input:checked")].map((box) => box.value)
      dialog.remove()
      resolve(dialog.returnValue === "cite" ? keys : null)
    })
    dialog.showModal()
    ;(dialog.querySelector("input") || cancel).focus()
  })
}

export const Citation = Node.create({
  name: "citation",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,

  addAttributes() {
    return {
      refs: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-refs") || "",
        renderHTML: (attributes) => ({ "data-refs": attributes.refs }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "span.citation[data-refs]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["span", mergeAttributes({ class: "citation" }, HTMLAttributes)]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("span")
      const keys = node.attrs.refs.split(/\s+/).filter(Boolean)
      dom.className = "bs-citation-chip"
      dom.textContent = citationLabel(keys)
      dom.dataset.refs = node.attrs.refs
      dom.title = "Citation: select it and press Cite to change it"
      return { dom }
    }
  },

  addCommands() {
    return {
      insertCitation:
        (keys) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: { refs: keys.join(" ") } }),
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "citation",
      groups: "link",
      button: buttons.material("menu_book", "Cite a reference"),
      async command(editor) {
        const { selection } = editor.state
        const current = selection.node && selection.node.type.name === "citation" ? selection.node.attrs.refs : ""
        const keys = await pickReferences(current.split(/\s+/).filter(Boolean))
        if (keys === null) return editor.commands.focus()
        if (!keys.length) {
          if (current) editor.chain().focus().deleteSelection().run()
          return editor.commands.focus()
        }
        editor.chain().focus().insertCitation(keys).run()
      },
      active: (editor) => editor.isActive("citation"),
    })
  },
})

// --- paste from Word / Google Docs / web pages ------------------------------------------------

function wordLists(doc) {
  // Word: <p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><span
  // style='mso-list:Ignore'>1.<span>&nbsp;</span></span>Text</p> … one paragraph per item.
  const isItem = (el) =>
    el && el.nodeType === 1 && el.tagName === "P" &&
    (/mso-list:\s*l\d/.test(el.getAttribute("style") || "") || /^MsoListParagraph/.test(el.className || ""))
  // Which Word list a paragraph belongs to ("l0", "l1" …): a bullet list followed by a
  // numbered one are two lists.
  const listId = (el) => ((el.getAttribute("style") || "").match(/mso-list:\s*(l\d+)/) || [])[1] || ""
  for (const first of [...doc.body.querySelectorAll("p")]) {
    if (!first.isConnected || !isItem(first)) continue
    const previous = first.previousElementSibling
    if (isItem(previous) && listId(previous) === listId(first)) continue
    const items = []
    for (let el = first; isItem(el) && listId(el) === listId(first); el = el.nextElementSibling) items.push(el)
    const marker = (p) => {
      const ignore = p.querySelector('span[style*="mso-list:Ignore"], span[style*="mso-list: Ignore"]')
      const text = (ignore ? ignore.textContent : p.textContent).trim()
      if (ignore) ignore.remove()
      return text
    }
    const markers = items.map(marker)
    const ordered = /^(\d+|[a-z]|[ivx]+)[.)]/i.test(markers[0] || "")
    const list = doc.createElement(ordered ? "ol" : "ul")
    for (const p of items) {
      const li = doc.createElement("li")
      li.innerHTML = p.innerHTML.replace(/^(\s|&nbsp;|·|•|o|§)+/, "")
      list.append(li)
    }
    first.before(list)
    items.forEach((p) => p.remove())
  }
}

function removeComments(node) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === 8) child.remove()
    else if (child.nodeType === 1) removeComments(child)
  }
}

export function cleanPastedHTML(html) {
  const doc = new DOMParser().parseFromString(html, "text/html")
  doc.querySelectorAll(
    "style, meta, link, script, noscript, template, title, xml, o\\:p, img, picture, svg, iframe, object, embed, " +
      "video, audio, canvas, form, input, button, select, textarea",
  ).forEach((el) => el.remove())
  // No event handler survives (the page's CSP would block them anyway).
  doc.querySelectorAll("*").forEach((el) => {
    for (const attribute of [...el.attributes]) if (/^on/i.test(attribute.name)) el.removeAttribute(attribute.name)
  })
  removeComments(doc.body)
  wordLists(doc)
  // Google Docs wraps everything in <b style="font-weight:normal" id="docs-internal-guid-…">.
  doc.querySelectorAll('b[id^="docs-internal-guid"]').forEach((b) => b.replaceWith(...b.childNodes))
  // Bold and italic written as styles (Google Docs) become elements before styles go.
  doc.querySelectorAll("span[style]").forEach((span) => {
    const style = span.getAttribute("style")
    let inner = [...span.childNodes]
    let wrapped = null
    if (/font-weight:\s*(bold|[6-9]00)/.test(style)) {
      wrapped = doc.createElement("strong")
      wrapped.append(...inner)
      inner = [wrapped]
    }
    if (/font-style:\s*italic/.test(style)) {
      const em = doc.createElement("em")
      em.append(...inner)
      inner = [em]
    }
    span.replaceWith(...inner)
  })
  doc.querySelectorAll("span, font").forEach((el) => el.replaceWith(...el.childNodes))
  doc.querySelectorAll("h1, h2").forEach((h) => {
    const h3 = doc.createElement("h3")
    h3.append(...h.childNodes)
    h.replaceWith(h3)
  })
  doc.querySelectorAll("h5, h6").forEach((h) => {
    const h4 = doc.createElement("h4")
    h4.append(...h.childNodes)
    h.replaceWith(h4)
  })
  const dropped = ["style", "class", "id", "lang", "align", "width", "valign", "target", "rel", "dir", "role"]
  doc.querySelectorAll(dropped.map((name) => `[${name}]`).join(", ")).forEach((el) => {
    for (const name of dropped) el.removeAttribute(name)
  })
  return doc.body.innerHTML
}

export const PasteCleanup = Extension.create({
  name: "PasteCleanup",
  addProseMirrorPlugins() {
    return [new Plugin({ props: { transformPastedHTML: (html) => cleanPastedHTML(html) } })]
  },
})

// New rows of the references part get a key of their own (the empty form's key is shared).
function freshKey() {
  const bytes = new Uint8Array(4)
  crypto.getRandomValues(bytes)
  return "r" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")
}

if (!window.bonespineReferenceKeys) {
  window.bonespineReferenceKeys = true
  document.addEventListener("formset:added", (event) => {
    if (event.detail?.formsetName !== "references") return
    event.target.querySelectorAll('input[name$="-key"]').forEach((input) => {
      input.value = freshKey()
      input.defaultValue = input.value
    })
  })
}
