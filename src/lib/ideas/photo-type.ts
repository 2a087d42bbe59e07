import { PHOTO_MAX_BYTES } from './rules';

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

/**
 * The kind of image by its first bytes (its "magic number"), never by the name or the type the
 * browser claims: JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A) or WebP (RIFF …. WEBP).
 */
export function photoType(bytes: Uint8Array): PhotoMime | null {
	const at = (i: number, ...xs: number[]) => xs.every((x, j) => bytes[i + j] === x);
	if (bytes.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
	if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))
		return 'image/png';
	if (bytes.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50))
		return 'image/webp';
	return null;
}

export type PhotoCheck =
	| { ok: true; mime: PhotoMime }
	| { ok: false; error: 'idea_photo_not_image' | 'idea_photo_too_large' | 'idea_photo_empty' };

/** Whether bytes may be stored as an idea's photo: a JPEG, PNG or WebP of at most 5 MB. */
export function checkPhoto(bytes: Uint8Array): PhotoCheck {
	if (bytes.length === 0) return { ok: false, error: 'idea_photo_empty' };
	if (bytes.length > PHOTO_MAX_BYTES) return { ok: false, error: 'idea_photo_too_large' };
	const mime = photoType(bytes);
	return mime ? { ok: true, mime } : { ok: false, error: 'idea_photo_not_image' };
}
