//! The arguments of `workflow!`: the document, then `source(..)`, `overlay(..)` and `deny_warnings`
//! in any order, as `Builder`'s methods of the same names.

use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// What the macro call asks for; paths as written (relative to `CARGO_MANIFEST_DIR`).
pub struct Args {
    /// The Arazzo document: errors and warnings are spanned at this literal.
    pub document: LitStr,
    /// Source description name -> OpenAPI file.
    pub sources: Vec<(String, LitStr)>,
    pub overlays: Vec<LitStr>,
    pub deny_warnings: bool,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let document: LitStr = input.parse()?;
        let mut args = Args { document, sources: Vec::new(), overlays: Vec::new(), deny_warnings: false };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let option: Ident = input.parse()?;
            match option.to_string().as_str() {
                "source" => {
                    let content;
                    syn::parenthesized!(content in input);
                    // A name that is not a Rust identifier (`my-api`) is written as a string.
                    let name = if content.peek(LitStr) {
                        content.parse::<LitStr>()?.value()
                    } else {
                        content.parse::<Ident>()?.to_string()
                    };
                    content.parse::<Token![=]>()?;
                    let path: LitStr = content.parse()?;
                    end_of(&content)?;
                    if args.sources.iter().any(|(known, _)| *known == name) {
                        return Err(syn::Error::new(path.span(), format!("source `{name}` is mapped twice")));
                    }
                    args.sources.push((name, path));
                }
                "overlay" => {
                    let content;
                    syn::parenthesized!(content in input);
                    args.overlays.push(content.parse()?);
                    end_of(&content)?;
                }
                "deny_warnings" => args.deny_warnings = true,
                other => {
                    return Err(syn::Error::new(
                        option.span(),
                        format!(
                            "unknown option `{other}`; expected `source(name = \"path\")`, `overlay(\"path\")` or \
                             `deny_warnings`"
                        ),
                    ));
                }
            }
        }
        Ok(args)
    }
}

/// Refuses anything after the option's value (`overlay("a", "b")`).
fn end_of(content: ParseStream<'_>) -> syn::Result<()> {
    if content.is_empty() { Ok(()) } else { Err(content.error("unexpected tokens: this option takes one value")) }
}
