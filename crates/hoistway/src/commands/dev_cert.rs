//! `hoistway dev-cert`: a local certificate authority and a server
//! certificate for `localhost` and `127.0.0.1`, signed by it, so HTTPS and
//! WSS can be tried without a public CA: clients trust `ca.pem` (e.g.
//! `NODE_EXTRA_CA_CERTS=ca.pem` for the KONE example scripts) and the
//! server uses `cert.pem` and `key.pem`. The CA's key is not kept: nothing
//! else can be signed with it. For development only.

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use std::path::Path;

/// The PEM texts: (CA certificate, server certificate, server key).
pub fn generate() -> anyhow::Result<(String, String, String)> {
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Hoistway local development CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key)?;
    let key = KeyPair::generate()?;
    // Strings that parse as IP addresses become IP SANs.
    let mut server =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let cert = server.signed_by(&key, &ca_cert, &ca_key)?;
    Ok((ca_cert.pem(), cert.pem(), key.serialize_pem()))
}

pub fn run(out_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let (ca, cert, key) = generate()?;
    for (name, text) in [("ca.pem", &ca), ("cert.pem", &cert), ("key.pem", &key)] {
        let path = out_dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            out_dir.join("key.pem"),
            std::fs::Permissions::from_mode(0o600),
        )?;
    }
    println!(
        "Wrote {0}/ca.pem, {0}/cert.pem and {0}/key.pem (localhost, 127.0.0.1).",
        out_dir.display()
    );
    println!(
        "Serve:  hoistway serve --tls-cert {0}/cert.pem --tls-key {0}/key.pem",
        out_dir.display()
    );
    println!(
        "Trust:  NODE_EXTRA_CA_CERTS={0}/ca.pem (Node), curl --cacert {0}/ca.pem",
        out_dir.display()
    );
    Ok(())
}
