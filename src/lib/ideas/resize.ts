import { PHOTO_MAX_BYTES, PHOTO_MAX_SIDE, PHOTO_QUALITY } from './rules';
import { photoType } from './photo-type';

export type PhotoResult = { ok: true; blob: Blob } | { ok: false; error: string };

/**
 * A photo as the phone sends it: drawn on a canvas at most 1600 px on its longest side and
 * saved as JPEG (quality 0.8), so a 4 MB camera picture travels as a few hundred KB. A file the
 * browser cannot draw is sent as it is only when it is a JPEG, PNG or WebP within 5 MB
 * (the server checks again); anything else is refused here with a clear message.
 */
export async function preparePhoto(file: Blob): Promise<PhotoResult> {
	try {
		const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
		const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
		const canvas = document.createElement('canvas');
		canvas.width = Math.max(1, Math.round(bitmap.width * scale));
		canvas.height = Math.max(1, Math.round(bitmap.height * scale));
		canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
		bitmap.close();
		const blob = await new Promise<Blob | null>((resolve) =>
			canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY)
		);
		if (blob && blob.size > 0 && blob.size <= PHOTO_MAX_BYTES) return { ok: true, blob };
	} catch {
		// not drawable here: judge the file itself below
	}
	const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
	if (!photoType(head)) return { ok: false, error: 'idea_photo_not_image' };
	if (file.size > PHOTO_MAX_BYTES) return { ok: false, error: 'idea_photo_too_large' };
	return { ok: true, blob: file };
}
